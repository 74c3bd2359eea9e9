/**
 * What to do next, from what was seen, and where to report it. Plain words for the board; each step says why it is
 * there. Reporting contacts are public addresses of the UK's NCSC and NPSA and the US FBI and CISA; the report shows
 * them as text (it links to nothing, so it loads nothing).
 */

export interface Action {
  title: string;
  text: string;
}

export interface Contact {
  who: string;
  what: string;
  where: string[];
}

export const CONTACTS: readonly Contact[] = [
  {
    who: 'UK — National Cyber Security Centre (NCSC)',
    what: 'Report a significant cyber incident; watched around the clock.',
    where: ['https://report.ncsc.gov.uk/'],
  },
  {
    who: 'UK — Action Fraud, the police’s reporting centre',
    what: 'Report the crime; a business under live attack can call at any hour.',
    where: ['0300 123 2040'],
  },
  {
    who: 'UK — NPSA (MI5’s National Protective Security Authority)',
    what: 'Advice on protecting sensitive technology and research (Secure Innovation).',
    where: ['https://www.npsa.gov.uk/'],
  },
  {
    who: 'US — FBI',
    what: 'Contact your local field office, or report online to the Internet Crime Complaint Center.',
    where: ['https://www.fbi.gov/contact-us/field-offices', 'https://www.ic3.gov/'],
  },
  {
    who: 'US — CISA',
    what: 'Report incidents and share indicators (CISA accepts STIX).',
    where: ['https://www.cisa.gov/report', 'report@cisa.gov', '+1 888 282 0870'],
  },
];

export interface ActionInput {
  verdict: 'compromise' | 'suspicious' | 'clear' | 'empty';
  tradecraft: ReadonlySet<string>;
  /** Hosts with high or critical findings, crown jewels first. */
  affected: readonly string[];
  caseFile: string;
}

function list(hosts: readonly string[], max = 4): string {
  if (hosts.length === 0) return 'the affected machines';
  const shown = hosts.slice(0, max).join(', ');
  return hosts.length > max ? `${shown} and ${hosts.length - max} more` : shown;
}

export function nextSteps(input: ActionInput): Action[] {
  const seen = input.tradecraft;
  const out: Action[] = [];
  if (input.verdict === 'empty') {
    return [
      {
        title: 'Collect evidence and hunt',
        text: 'Nothing has been examined yet. Copy the event logs and web folders off your servers and run hardnut hunt and hardnut sweep with this case.',
      },
    ];
  }
  if (input.verdict === 'clear') {
    out.push(
      {
        title: 'Keep watching',
        text:
          'Nothing here points to a compromise, but absence of evidence is not evidence of absence: check that the logs examined ' +
          'cover your servers and a long enough period (these groups stay hidden for months), and hunt again regularly.',
      },
      {
        title: 'Mend the roof while the sun shines',
        text: 'Patch internet-facing servers first, keep logs for at least a year, off the machines that write them, and answer the four questions below.',
      },
    );
    return out;
  }
  if (input.verdict === 'compromise') {
    out.push({
      title: 'Isolate the affected machines, but do not switch them off',
      text:
        `Take ${list(input.affected)} off the network (unplug, or block at the switch or firewall). Do not switch them off, ` +
        'wipe or rebuild them yet: their memory and disks are the evidence investigators need.',
    });
  } else {
    out.push({
      title: 'Have the findings checked this week',
      text: `Ask your IT lead or an incident-response firm to look at the findings on ${list(input.affected)} and say whether they are expected administration or an intrusion.`,
    });
  }
  if (seen.has('credentials') || seen.has('lateral') || input.verdict === 'compromise') {
    out.push({
      title: 'Reset passwords and sign-in secrets',
      text:
        'Reset the passwords of every account used on those machines, administrators and service accounts first, and revoke ' +
        'their sessions. If the Active Directory database was copied, plan a reset of every account, including the KRBTGT account twice.',
    });
  }
  if (seen.has('exploit') || seen.has('webshell') || seen.has('exposure')) {
    out.push({
      title: 'Patch, then remove the back doors',
      text:
        'Apply the vendor’s security updates to every internet-facing server (for Exchange, Microsoft’s March 2021 updates and ' +
        'later). Remove webshells and other planted files only after copies have been kept for investigators.',
    });
  }
  if (seen.has('tunnels')) {
    out.push({
      title: 'Close the tunnels',
      text: 'Remove port-forwarding rules, unknown VPN and proxy software, and block the outside addresses they reach.',
    });
  }
  if (seen.has('devices')) {
    out.push({
      title: 'Check routers and firewalls',
      text: 'Compare device firmware with the vendor’s published hashes and review configurations against advisory AA23-270A.',
    });
  }
  if (seen.has('tampering')) {
    out.push({
      title: 'Assume the record is incomplete',
      text: 'Logs were cleared or security tools switched off: turn them back on, send logs to a machine the intruder cannot reach, and keep what remains.',
    });
  }
  if (seen.has('theft')) {
    out.push({
      title: 'Work out what was taken',
      text:
        'Find out what the gathered or exported data held (research, designs, mailboxes). That decides who else must be told: ' +
        'partners, customers, and the regulator if personal data was involved.',
    });
  }
  out.push(
    {
      title: 'Report it',
      text:
        'MI5’s Director General asked organisations: “If you are worried about something that’s happened, report it. Anything ' +
        'you tell us will be handled with discretion.” The contacts are under “Who to tell”; give them this report and the STIX file ' +
        `(hardnut export stix --case ${input.caseFile} --out bundle.json).`,
    },
    {
      title: 'Keep the evidence',
      text: `Keep the case file (${input.caseFile}), this report and the original copies of the logs and files, unchanged, with a note of who handled them and when.`,
    },
  );
  return out;
}

/** MI5's four questions for boards (Ken McCallum, joint MI5/FBI address, July 2022), in short. */
export const BOARD_QUESTIONS: readonly [string, string][] = [
  ['Strategy', 'Do we manage these risks strategically, and discuss them round the board table — or is it a subject the board never quite gets to?'],
  ['Culture', 'Do we have a thoughtful security culture at every level, or is security left to a department called only in an emergency?'],
  ['Crown jewels', 'Do we know what our crown jewels are — what, if stolen, would compromise our future — and which machines hold them?'],
  ['Partners and supply chain', 'Do we assess the risks of our funding sources and partners, and protect our supply chain?'],
];
