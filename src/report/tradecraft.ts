/**
 * The advisories' tradecraft in plain words, for the board page: each finding is placed in the kinds of activity the
 * MI5/FBI address and the joint advisories describe (break-ins through internet-facing servers, webshells, living off
 * the land, credential theft, tracks covered, tunnels, backdoored devices…), by its ATT&CK techniques and tactics,
 * its rule's tags and its kind. A finding may show several; one that shows none is "other suspicious activity".
 */
import type { Finding } from '../findings/finding.js';
import { canonicalTechnique } from './attack.js';

export interface Tradecraft {
  id: string;
  /** A heading a board member reads. */
  title: string;
  /** What it means for the organisation, in a sentence or two. */
  meaning: string;
  /** Where the advisories describe it (shown as text: the report links to nothing). */
  source: string;
  techniques?: readonly string[];
  tactics?: readonly string[];
  tags?: RegExp;
  kinds?: readonly Finding['kind'][];
}

export const TRADECRAFT: readonly Tradecraft[] = [
  {
    id: 'exploit',
    title: 'Break-in through an internet-facing server',
    meaning:
      'Someone used a weakness in a server that anyone on the internet can reach. This is how Chinese state hackers got into ' +
      'thousands of Microsoft Exchange mail servers in 2021 (ProxyLogon).',
    source: 'CISA advisory AA21-062A (Microsoft Exchange, ProxyLogon); Microsoft on HAFNIUM, March 2021',
    techniques: ['T1190', 'T1203', 'T1211'],
    tags: /^cve\.|proxylogon|proxyshell|hafnium/i,
  },
  {
    id: 'webshell',
    title: 'Webshells: hidden back doors on web servers',
    meaning:
      'A webshell is a small file planted on a web server that lets an intruder run commands on it from anywhere, at any time. ' +
      'The FBI said more than 10,000 were planted on US networks through the Exchange flaws alone.',
    source: 'MI5/FBI joint address, July 2022; CISA AA21-062A; NSA/ASD "Mitigating Web Shells"',
    techniques: ['T1505.003'],
    tags: /web ?shell|china ?chopper/i,
  },
  {
    id: 'credentials',
    title: 'Passwords and credentials stolen',
    meaning:
      "Copies were taken of password hashes, of Windows' memory where passwords live, or of the Active Directory database. " +
      'With them an intruder can sign in as your staff and administrators, even after the first hole is closed.',
    source: 'CISA AA23-144A and AA24-038A (Volt Typhoon)',
    techniques: ['T1003', 'T1558', 'T1552', 'T1555', 'T1110', 'T1556', 'T1212', 'T1528', 'T1539'],
    tactics: ['credential-access'],
  },
  {
    id: 'lotl',
    title: "Living off the land: your own tools in an intruder's hands",
    meaning:
      'Built-in Windows tools (WMIC, PowerShell, netsh, ntdsutil, certutil) were used the way the Volt Typhoon and Flax Typhoon ' +
      'groups use them, so that the intrusion blends into normal administration and leaves little malware to find.',
    source: 'CISA AA23-144A (Volt Typhoon living off the land); Microsoft on Flax Typhoon, August 2023',
    techniques: [
      'T1047', 'T1059', 'T1218', 'T1105', 'T1197', 'T1569', 'T1016', 'T1033', 'T1082', 'T1087', 'T1069', 'T1049', 'T1057',
      'T1018', 'T1482', 'T1012', 'T1083', 'T1007', 'T1124', 'T1135', 'T1615', 'T1036',
    ],
    tactics: ['discovery'],
  },
  {
    id: 'tampering',
    title: 'Tracks covered: logs cleared, security switched off',
    meaning:
      'Event logs were cleared or security tools were turned off or blinded. That is a deliberate step to hide what happened, ' +
      'and it means some of the record may be gone.',
    source: 'CISA AA23-144A and AA24-038A (Volt Typhoon clears logs)',
    techniques: ['T1070', 'T1562', 'T1564'],
  },
  {
    id: 'tunnels',
    title: 'Hidden tunnels in and out of the network',
    meaning:
      'Port forwarding, proxies or VPN software were set up so that the intruder can come and go unseen: Volt Typhoon forwards ' +
      'ports with netsh; Flax Typhoon runs a renamed SoftEther VPN.',
    source: 'CISA AA23-144A (portproxy); Microsoft on Flax Typhoon (SoftEther VPN)',
    techniques: ['T1090', 'T1572', 'T1219', 'T1133', 'T1571', 'T1095'],
  },
  {
    id: 'lateral',
    title: 'Spread to other machines',
    meaning: 'The intruder moved from the first machine to others, including servers that hold the most valuable information.',
    source: 'CISA AA24-038A (Volt Typhoon lateral movement)',
    techniques: ['T1021', 'T1570', 'T1550', 'T1563'],
    tactics: ['lateral-movement'],
  },
  {
    id: 'theft',
    title: 'Data gathered for theft',
    meaning:
      'Files or mailboxes were gathered, packed into archives or sent out. Taking know-how, research and correspondence is the ' +
      'point of espionage: "the biggest wealth transfer in human history", as MI5 put it.',
    source: 'MI5/FBI joint address, July 2022; CISA AA21-062A (mailbox export)',
    techniques: ['T1560', 'T1074', 'T1114', 'T1005', 'T1039', 'T1041', 'T1567', 'T1048', 'T1119', 'T1213'],
    tactics: ['collection', 'exfiltration'],
  },
  {
    id: 'persistence',
    title: 'Ways back in',
    meaning:
      'Changes were made that let the intruder return after a reboot or a password change: new services or accounts, scheduled ' +
      'tasks, or a "Sticky Keys" back door at the logon screen.',
    source: 'Microsoft on Flax Typhoon (Sticky Keys); CISA AA24-038A',
    techniques: ['T1546', 'T1543', 'T1547', 'T1053', 'T1136', 'T1098', 'T1505', 'T1542', 'T1574', 'T1068', 'T1134'],
    tactics: ['persistence', 'privilege-escalation'],
  },
  {
    id: 'defenders',
    title: 'Watching the defenders',
    meaning:
      'Someone read the security logs to learn who signs in and whether anyone is watching. The FBI warned that Chinese state ' +
      'hackers monitor network defenders’ accounts and change course to stay unseen.',
    source: 'MI5/FBI joint address, July 2022; CISA AA23-144A',
    techniques: ['T1654'],
  },
  {
    id: 'devices',
    title: 'Network devices backdoored or weakened',
    meaning:
      'Routers or firewalls show the settings or firmware changes that the BlackTech advisory warns about: a network device ' +
      'that has been tampered with lets an intruder in and hides them from view.',
    source: 'NSA/FBI/NPA/NISC advisory AA23-270A (BlackTech on Cisco routers)',
    techniques: ['T1601', 'T1556.004', 'T1599', 'T1600', 'T1542.004', 'T1542.005'],
    kinds: ['device'],
  },
  {
    id: 'exposure',
    title: 'Known, exploited weaknesses exposed',
    meaning: "Systems run software with weaknesses that attackers are known to exploit (CISA's Known Exploited Vulnerabilities list).",
    source: 'CISA Known Exploited Vulnerabilities catalogue',
    kinds: ['exposure'],
  },
];

export const OTHER: Tradecraft = {
  id: 'other',
  title: 'Other suspicious activity',
  meaning: 'Findings that do not fall under the headings above; the engineers’ pages list them.',
  source: '',
};

const BY_ID = new Map([...TRADECRAFT, OTHER].map((t) => [t.id, t]));

export function tradecraftById(id: string): Tradecraft {
  return BY_ID.get(id) ?? OTHER;
}

/** Does technique `id` fall under `prefix` (T1003 covers T1003.001; T1556.004 covers only itself)? */
function under(id: string, prefix: string): boolean {
  return id === prefix || (id.startsWith(prefix) && id[prefix.length] === '.');
}

/** The tradecraft a finding shows, in TRADECRAFT order; `['other']` when none. */
export function classify(f: Finding): string[] {
  const techniques = f.attack.map(canonicalTechnique);
  const out: string[] = [];
  for (const t of TRADECRAFT) {
    const hit =
      (t.kinds?.includes(f.kind) ?? false) ||
      (t.techniques?.some((p) => techniques.some((id) => under(id, p))) ?? false) ||
      (t.tactics?.some((tac) => f.tactics.includes(tac)) ?? false) ||
      (t.tags !== undefined && (f.rule.tags.some((tag) => t.tags!.test(tag)) || t.tags.test(f.rule.title) || t.tags.test(f.rule.id)));
    if (hit) out.push(t.id);
  }
  // A webshell is persistence by ATT&CK; the board should read "webshell", not also "ways back in", unless the finding
  // shows some other way back in.
  if (out.includes('webshell') && out.includes('persistence')) {
    const persistence = BY_ID.get('persistence')!.techniques!;
    const other = techniques.filter((id) => !under(id, 'T1505.003') && persistence.some((p) => under(id, p)));
    if (other.length === 0) out.splice(out.indexOf('persistence'), 1);
  }
  return out.length ? out : ['other'];
}
