/**
 * The conformance cases, written from the Sigma specification v2.1 (rules specification and modifiers appendix):
 * one case per modifier and condition form, with the edge cases the text spells out. Each case is a detection, events
 * it must match and events it must not. Shared by the conformance test (through the rule set) and the differential
 * test (interpreter against generated code).
 */
export interface Case {
  name: string;
  /** The detection section, as YAML (indented by the helper). */
  detection: string;
  match: Record<string, unknown>[];
  noMatch: Record<string, unknown>[];
  /** Placeholder values for `expand`. */
  placeholders?: Record<string, string[]>;
}

export const CASES: Case[] = [
  // ---- values: case, numbers, strings ----
  {
    name: 'plain value: case-insensitive equality',
    detection: `sel:\n  Image: 'C:\\Windows\\System32\\whoami.exe'\ncondition: sel`,
    match: [{ Image: 'C:\\Windows\\System32\\whoami.exe' }, { Image: 'c:\\windows\\system32\\WHOAMI.EXE' }],
    noMatch: [{ Image: 'C:\\Windows\\System32\\whoami.exe.bak' }, { Image: 'x C:\\Windows\\System32\\whoami.exe' }, {}],
  },
  {
    name: 'a number in the rule matches the number or its text in the event',
    detection: 'sel:\n  EventID: 4688\ncondition: sel',
    match: [{ EventID: 4688 }, { EventID: '4688' }],
    noMatch: [{ EventID: 46880 }, { EventID: '4689' }, { EventID: '04688x' }],
  },
  {
    name: 'a quoted number in the rule matches a number in the event',
    detection: "sel:\n  LogonType: '3'\ncondition: sel",
    match: [{ LogonType: 3 }, { LogonType: '3' }],
    noMatch: [{ LogonType: 30 }],
  },
  {
    name: 'hex as written stays text (not YAML 1.1 integers)',
    detection: 'sel:\n  TicketEncryptionType: 0x17\ncondition: sel',
    match: [{ TicketEncryptionType: '0x17' }, { TicketEncryptionType: '0X17' }],
    noMatch: [{ TicketEncryptionType: '23' }, { TicketEncryptionType: 23 }],
  },
  {
    name: 'booleans compare as their text',
    detection: 'sel:\n  Initiated: true\ncondition: sel',
    match: [{ Initiated: 'true' }, { Initiated: true }, { Initiated: 'True' }],
    noMatch: [{ Initiated: 'false' }, { Initiated: false }],
  },
  // ---- lists and maps ----
  {
    name: 'a list of values is an OR',
    detection: "sel:\n  Image|endswith:\n    - '\\cmd.exe'\n    - '\\powershell.exe'\ncondition: sel",
    match: [{ Image: 'C:\\x\\cmd.exe' }, { Image: 'C:\\x\\PowerShell.exe' }],
    noMatch: [{ Image: 'C:\\x\\pwsh.exe' }],
  },
  {
    name: 'a map is an AND',
    detection: "sel:\n  Image|endswith: '\\cmd.exe'\n  CommandLine|contains: whoami\ncondition: sel",
    match: [{ Image: 'C:\\cmd.exe', CommandLine: 'cmd /c whoami' }],
    noMatch: [{ Image: 'C:\\cmd.exe', CommandLine: 'cmd /c dir' }, { CommandLine: 'whoami' }],
  },
  {
    name: 'a list of maps is an OR of ANDs',
    detection: "sel:\n  - Image|endswith: '\\example.exe'\n  - Description|contains: 'Test executable'\ncondition: sel",
    match: [{ Image: 'C:\\example.exe' }, { Description: 'A Test Executable here' }],
    noMatch: [{ Image: 'C:\\other.exe', Description: 'none' }],
  },
  {
    name: 'the same field twice in a list of maps',
    detection: "sel:\n  - CommandLine|contains|all: [a1, b1]\n  - CommandLine|contains|all: [a2, b2]\ncondition: sel",
    match: [{ CommandLine: 'a1 b1' }, { CommandLine: 'b2 xx a2' }],
    noMatch: [{ CommandLine: 'a1 b2' }],
  },
  {
    name: 'values in a list event field: any element',
    detection: "sel:\n  Data|contains: 'HostApplication=powershell'\ncondition: sel",
    match: [{ Data: ['NewEngineState=Available', 'HostApplication=PowerShell -nop'] }],
    noMatch: [{ Data: ['NewEngineState=Available', 'HostApplication=cmd'] }, { Data: [] }],
  },
  {
    name: 'numbers inside a list event field',
    detection: 'sel:\n  Ports: 443\ncondition: sel',
    match: [{ Ports: [80, 443] }, { Ports: ['8080', '443'] }],
    noMatch: [{ Ports: [80, 4430] }],
  },
  // ---- keywords ----
  {
    name: 'keywords: a list of strings searched in every field (OR)',
    detection: "keywords:\n  - 'event::clear'\n  - 'event::drop'\ncondition: keywords",
    match: [{ Payload: 'mimikatz # EVENT::Clear' }, { A: 'x', B: 'privilege::debug event::drop' }],
    noMatch: [{ Payload: 'event::list' }, {}],
  },
  {
    name: "keywords with '|all': every one somewhere",
    detection: "keywords:\n  '|all':\n    - 'OabVirtualDirectory'\n    - ' -ExternalUrl '\ncondition: keywords",
    match: [{ Cmd: 'Set-OabVirtualDirectory -ExternalUrl http://x' }, { A: 'oabvirtualdirectory', B: 'y -externalurl z' }],
    noMatch: [{ Cmd: 'Set-OabVirtualDirectory -InternalUrl http://x' }],
  },
  {
    name: 'a keyword with wildcards inside',
    detection: "keywords:\n  - 'cmd*whoami'\ncondition: keywords",
    match: [{ M: 'start cmd.exe /c whoami now' }],
    noMatch: [{ M: 'whoami then cmd' }],
  },
  {
    name: 'a keyword matches numbers as text',
    detection: 'keywords:\n  - 4444\ncondition: keywords',
    match: [{ DestinationPort: 4444 }, { X: 'port 4444 open' }],
    noMatch: [{ DestinationPort: 444 }],
  },
  // ---- null and empty ----
  {
    name: 'null: the field is absent or has no value',
    detection: 'sel:\n  EventID: 4738\nfilter:\n  PasswordLastSet: null\ncondition: sel and not filter',
    match: [{ EventID: 4738, PasswordLastSet: '2021-01-01' }],
    noMatch: [{ EventID: 4738 }, { EventID: 4738, PasswordLastSet: null }, { EventID: 4738, PasswordLastSet: '' }],
  },
  {
    name: "empty value '': present and empty (or null)",
    detection: "sel:\n  CommandLine: ''\ncondition: sel",
    match: [{ CommandLine: '' }, { CommandLine: null }],
    noMatch: [{}, { CommandLine: ' ' }, { CommandLine: 'x' }],
  },
  {
    name: 'null and empty as separate selections (the specification example)',
    detection: "main:\n  FieldA: something\nempty1:\n  FieldB: ''\nempty2:\n  FieldB: null\ncondition: main and 1 of empty*",
    match: [{ FieldA: 'something' }, { FieldA: 'SOMETHING', FieldB: '' }],
    noMatch: [{ FieldA: 'something', FieldB: 'x' }, { FieldB: '' }],
  },
  // ---- wildcards and escapes ----
  {
    name: 'wildcard * at the start, end, both sides and in the middle',
    detection: "a:\n  F1: '*.exe'\nb:\n  F2: 'adm*'\nc:\n  F3: '*evil*'\nd:\n  F4: 'C:\\\\*\\run.bat'\ncondition: a and b and c and d",
    match: [{ F1: 'x.EXE', F2: 'Administrator', F3: 'so EVIL here', F4: 'c:\\temp\\x\\run.bat' }, { F1: '.exe', F2: 'adm', F3: 'evil', F4: 'C:\\\\run.bat' }],
    noMatch: [
      { F1: 'x.exe.txt', F2: 'Administrator', F3: 'evil', F4: 'C:\\t\\run.bat' },
      { F1: 'x.exe', F2: 'sysadm', F3: 'evil', F4: 'C:\\t\\run.bat' },
      { F1: 'x.exe', F2: 'adm', F3: 'evi', F4: 'C:\\t\\run.bat' },
      { F1: 'x.exe', F2: 'adm', F3: 'evil', F4: 'D:\\t\\run.bat' },
    ],
  },
  {
    name: 'wildcard ? is exactly one character',
    detection: "sel:\n  Image|endswith: '\\prog?.exe'\ncondition: sel",
    match: [{ Image: 'C:\\progA.exe' }, { Image: 'C:\\PROG1.EXE' }],
    noMatch: [{ Image: 'C:\\prog.exe' }, { Image: 'C:\\progAB.exe' }],
  },
  {
    name: 'several wildcards in order',
    detection: "sel:\n  CommandLine: '*reg* add *\\Run*'\ncondition: sel",
    match: [{ CommandLine: 'reg.exe ADD HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v x' }],
    noMatch: [{ CommandLine: 'add HKCU\\Run reg' }],
  },
  {
    name: 'escaped wildcards are plain characters',
    detection: "sel:\n  F1: 'a\\*b'\n  F2: 'what\\?'\ncondition: sel",
    match: [{ F1: 'a*b', F2: 'what?' }],
    noMatch: [{ F1: 'axxb', F2: 'what?' }, { F1: 'a*b', F2: 'whatx' }],
  },
  {
    name: 'backslashes: single and double are one; before a wildcard they escape',
    detection:
      "sel:\n  F1: 'C:\\Windows'\n  F2: 'C:\\\\Windows'\n  F3: 'dir\\\\*'\n  F4: 'lit\\\\\\*'\n  F5: 'unc\\\\\\\\host'\ncondition: sel",
    match: [{ F1: 'C:\\Windows', F2: 'C:\\Windows', F3: 'dir\\anything', F4: 'lit\\*', F5: 'unc\\\\host' }],
    noMatch: [
      { F1: 'C:\\\\Windows', F2: 'C:\\Windows', F3: 'dir\\x', F4: 'lit\\*', F5: 'unc\\\\host' },
      { F1: 'C:\\Windows', F2: 'C:\\Windows', F3: 'dir\\x', F4: 'lit\\abc', F5: 'unc\\\\host' },
      { F1: 'C:\\Windows', F2: 'C:\\Windows', F3: 'dir\\x', F4: 'lit\\*', F5: 'unc\\host' },
    ],
  },
  {
    name: "'*' alone: any value, even empty, but not an absent field",
    detection: "sel:\n  User: '*'\ncondition: sel",
    match: [{ User: 'x' }, { User: '' }],
    noMatch: [{}],
  },
  // ---- string modifiers ----
  {
    name: 'contains, startswith, endswith',
    detection: "a:\n  F|contains: mid\nb:\n  G|startswith: pre\nc:\n  H|endswith: end\ncondition: a and b and c",
    match: [{ F: 'xxMIDxx', G: 'PREfix', H: 'the END' }],
    noMatch: [{ F: 'mi d', G: 'prefix', H: 'end' }, { F: 'mid', G: 'xpre', H: 'end' }, { F: 'mid', G: 'pre', H: 'endx' }],
  },
  {
    name: 'contains|all: every value',
    detection: "sel:\n  CommandLine|contains|all:\n    - ' -enc '\n    - 'powershell'\ncondition: sel",
    match: [{ CommandLine: 'PowerShell -nop -enc AAAA' }],
    noMatch: [{ CommandLine: 'powershell -nop' }],
  },
  {
    name: 'cased: case-sensitive',
    detection: "sel:\n  CommandLine|contains|cased: 'AbC'\ncondition: sel",
    match: [{ CommandLine: 'xAbCx' }],
    noMatch: [{ CommandLine: 'xabcx' }, { CommandLine: 'xABCx' }],
  },
  {
    name: 'cased with a plain value',
    detection: "sel:\n  Name|cased: 'Admin'\ncondition: sel",
    match: [{ Name: 'Admin' }],
    noMatch: [{ Name: 'admin' }],
  },
  {
    name: 'windash: - / en dash, em dash, horizontal bar at flag positions',
    detection: "sel:\n  CommandLine|contains|windash: ' -decode '\ncondition: sel",
    match: [
      { CommandLine: 'certutil -decode a b' },
      { CommandLine: 'certutil /decode a b' },
      { CommandLine: 'certutil \u2013decode a b' },
      { CommandLine: 'certutil \u2014decode a b' },
      { CommandLine: 'certutil \u2015decode a b' },
    ],
    noMatch: [{ CommandLine: 'certutil +decode a b' }, { CommandLine: 'certutil decode a b' }],
  },
  {
    name: 'windash leaves dashes inside words alone',
    detection: "sel:\n  CommandLine|contains|windash: 'x-y -z'\ncondition: sel",
    match: [{ CommandLine: 'x-y -z' }, { CommandLine: 'x-y /z' }],
    noMatch: [{ CommandLine: 'x/y -z' }],
  },
  // ---- regular expressions ----
  {
    name: 're: case-sensitive by default, unanchored',
    detection: "sel:\n  CommandLine|re: 'invoke-[a-z]+ -e'\ncondition: sel",
    match: [{ CommandLine: 'x invoke-expression -e y' }],
    noMatch: [{ CommandLine: 'Invoke-Expression -e' }],
  },
  {
    name: 're|i, re|m, re|s',
    detection: "a:\n  F|re|i: '^abc$'\nb:\n  G|re|m: '^second$'\nc:\n  H|re|s: 'one.two'\ncondition: a and b and c",
    match: [{ F: 'ABC', G: 'first\nsecond\nthird', H: 'one\ntwo' }],
    noMatch: [
      { F: 'xABC', G: 'first\nsecond', H: 'one\ntwo' },
      { F: 'abc', G: 'first second', H: 'one\ntwo' },
      { F: 'abc', G: 'second', H: 'one\r\ntwo' },
    ],
  },
  {
    name: 're: inline (?i), which JavaScript rejects, is translated',
    detection: "sel:\n  CommandLine|re: '(?i)\\s(-u|--user)\\s*:'\ncondition: sel",
    match: [{ CommandLine: 'curl -U: x' }, { CommandLine: 'curl --USER :x' }],
    noMatch: [{ CommandLine: 'curl -p:x' }],
  },
  {
    name: 're: PCRE $ also matches before a final newline; . does not match \\n but does match \\r',
    detection: "a:\n  F|re: 'end$'\nb:\n  G|re: 'a.b'\ncondition: a and b",
    match: [{ F: 'the end\n', G: 'a\rb' }],
    noMatch: [{ F: 'the end\nx', G: 'a\rb' }, { F: 'end', G: 'a\nb' }],
  },
  {
    name: 're: atomic group and possessive quantifier',
    detection: "a:\n  F|re: '^(?>a|ab)c'\nb:\n  G|re: '^a++a'\ncondition: a or b",
    match: [{ F: 'ac' }],
    noMatch: [{ F: 'abc' }, { G: 'aaa' }],
  },
  {
    name: 're: scoped inline flag',
    detection: "sel:\n  F|re: 'a(?i:b)c'\ncondition: sel",
    match: [{ F: 'aBc' }, { F: 'abc' }],
    noMatch: [{ F: 'Abc' }, { F: 'abC' }],
  },
  // ---- encodings ----
  {
    name: 'base64: the encoded value',
    detection: "sel:\n  CommandLine|base64|contains: 'http://'\ncondition: sel",
    match: [{ CommandLine: 'x aHR0cDovLw== y' }],
    noMatch: [{ CommandLine: 'http://' }],
  },
  {
    name: 'base64offset: found at each of the three alignments',
    detection: "sel:\n  CommandLine|base64offset|contains: 'Invoke-'\ncondition: sel",
    match: [
      { CommandLine: Buffer.from('xxInvoke-Mimikatz').toString('base64') },
      { CommandLine: Buffer.from('xInvoke-Mimikatz').toString('base64') },
      { CommandLine: Buffer.from('Invoke-Mimikatz').toString('base64') },
      { CommandLine: 'powershell -e ' + Buffer.from('; Invoke-Expression').toString('base64') },
    ],
    noMatch: [{ CommandLine: Buffer.from('Invoke Mimikatz').toString('base64') }, { CommandLine: 'Invoke-' }],
  },
  {
    name: 'utf16le|base64offset: PowerShell -EncodedCommand',
    detection: "sel:\n  CommandLine|wide|base64offset|contains: 'IEX ('\ncondition: sel",
    match: [
      { CommandLine: 'powershell -enc ' + Buffer.from('$a=1; IEX (New-Object Net.WebClient)', 'utf16le').toString('base64') },
      { CommandLine: 'powershell -enc ' + Buffer.from('IEX (x)', 'utf16le').toString('base64') },
      { CommandLine: 'powershell -enc ' + Buffer.from('1;IEX (x)', 'utf16le').toString('base64') },
    ],
    noMatch: [{ CommandLine: 'powershell -enc ' + Buffer.from('IEX (x)').toString('base64') }],
  },
  {
    name: 'utf16le, utf16be, utf16 (with BOM) as byte strings',
    detection: "a:\n  F|utf16le|contains: 'cmd'\nb:\n  G|utf16be|contains: 'cmd'\nc:\n  H|utf16|base64: 'cmd'\ncondition: a and b and c",
    match: [{ F: 'x c\0m\0d\0 y', G: '\0c\0m\0d', H: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }],
    noMatch: [{ F: 'cmd', G: '\0c\0m\0d', H: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }],
  },
  // ---- networks ----
  {
    name: 'cidr: IPv4',
    detection: "sel:\n  DestinationIp|cidr:\n    - '10.0.0.0/8'\n    - '192.168.1.0/24'\ncondition: sel",
    match: [{ DestinationIp: '10.1.2.3' }, { DestinationIp: '192.168.1.255' }, { DestinationIp: '::ffff:10.9.9.9' }],
    noMatch: [{ DestinationIp: '11.0.0.1' }, { DestinationIp: '192.168.2.1' }, { DestinationIp: 'not an ip' }, {}],
  },
  {
    name: 'cidr: IPv6',
    detection: "sel:\n  DestinationIp|cidr:\n    - 'fe80::/10'\n    - '2001:db8::/32'\n    - '::1/128'\ncondition: sel",
    match: [{ DestinationIp: 'fe80::1%12' }, { DestinationIp: '2001:DB8:0:0:1::1' }, { DestinationIp: '::1' }, { DestinationIp: '[2001:db8::5]' }],
    noMatch: [{ DestinationIp: 'fec0::1' }, { DestinationIp: '2001:db9::1' }, { DestinationIp: '::2' }, { DestinationIp: '10.0.0.1' }],
  },
  // ---- existence, numbers, comparison ----
  {
    name: 'exists: true and false',
    detection: 'a:\n  PasswordLastSet|exists: true\nb:\n  Debug|exists: false\ncondition: a and b',
    match: [{ PasswordLastSet: 'x' }, { PasswordLastSet: null }, { PasswordLastSet: '' }],
    noMatch: [{}, { PasswordLastSet: 'x', Debug: 0 }, { PasswordLastSet: 'x', Debug: null }],
  },
  {
    name: 'gt, gte, lt, lte on numbers, numeric text and hex',
    detection: 'a:\n  A|gt: 10\nb:\n  B|gte: 10\nc:\n  C|lt: 10\nd:\n  D|lte: 0x10\ncondition: a and b and c and d',
    match: [{ A: 11, B: '10', C: 9.5, D: '0x10' }, { A: '0x0b', B: 100, C: -1, D: 16 }],
    noMatch: [{ A: 10, B: 10, C: 9, D: 16 }, { A: 11, B: 9, C: 9, D: 16 }, { A: 11, B: 10, C: 10, D: 16 }, { A: 11, B: 10, C: 9, D: 17 }, { A: 'eleven', B: 10, C: 9, D: 1 }],
  },
  {
    name: 'neq: present and different from every value',
    detection: 'sel:\n  LogonType|neq:\n    - 3\n    - 10\ncondition: sel',
    match: [{ LogonType: 2 }, { LogonType: '11' }],
    noMatch: [{ LogonType: 3 }, { LogonType: '10' }, {}],
  },
  {
    name: 'fieldref: equal to another field of the event',
    detection: 'sel:\n  SourceUser|fieldref: TargetUser\ncondition: sel',
    match: [{ SourceUser: 'alice', TargetUser: 'ALICE' }],
    noMatch: [{ SourceUser: 'alice', TargetUser: 'bob' }, { SourceUser: 'alice' }],
  },
  {
    name: 'fieldref with startswith, and negated',
    detection: 'a:\n  CommandLine|fieldref|startswith: Image\nb:\n  ParentImage|fieldref: Image\ncondition: a and not b',
    match: [{ CommandLine: 'C:\\x.exe -a', Image: 'c:\\X.exe', ParentImage: 'C:\\p.exe' }],
    noMatch: [{ CommandLine: 'C:\\x.exe -a', Image: 'C:\\x.exe', ParentImage: 'C:\\x.exe' }, { CommandLine: 'run C:\\x.exe', Image: 'C:\\x.exe' }],
  },
  {
    name: 'time parts: hour, minute, day, month, year, week (as written, no time zone)',
    detection:
      "a:\n  UtcTime|hour|gte: 22\nb:\n  UtcTime|minute: 5\nc:\n  UtcTime|day: 31\nd:\n  UtcTime|month: 12\ne:\n  UtcTime|year|lt: 2030\nf:\n  UtcTime|week: 1\ncondition: a and b and c and d and e and f",
    match: [{ UtcTime: '2024-12-31 23:05:00.123' }, { UtcTime: '2024-12-31T22:05:59Z' }],
    noMatch: [{ UtcTime: '2024-12-31 21:05:00' }, { UtcTime: '2023-12-31 23:05:00' }, { UtcTime: 'yesterday' }],
  },
  {
    name: 'expand: placeholders from the mapping, escaped percent is plain',
    detection: "sel:\n  Workstation|expand: '%Workstations%'\n  Note|expand: '\\%plain%'\ncondition: sel",
    placeholders: { Workstations: ['WS-*', 'LAPTOP01'] },
    match: [{ Workstation: 'ws-0042', Note: '%plain%' }, { Workstation: 'laptop01', Note: '%PLAIN%' }],
    noMatch: [{ Workstation: 'srv01', Note: '%plain%' }],
  },
  {
    name: 'expand: a placeholder without values matches nothing',
    detection: "sel:\n  A: x\nfilter:\n  User|expand: '%Administrators%'\ncondition: sel and not filter",
    match: [{ A: 'x', User: 'admin' }],
    noMatch: [{ A: 'y' }],
  },
  // ---- conditions ----
  {
    name: 'and, or, not with precedence: not > and > or',
    detection: 'a:\n  A: 1\nb:\n  B: 1\nc:\n  C: 1\ncondition: a or b and not c',
    match: [{ A: 1, C: 1 }, { B: 1 }],
    noMatch: [{ B: 1, C: 1 }, {}],
  },
  {
    name: 'parentheses',
    detection: 'a:\n  A: 1\nb:\n  B: 1\nc:\n  C: 1\ncondition: (a or b) and not c',
    match: [{ B: 1 }],
    noMatch: [{ A: 1, C: 1 }],
  },
  {
    name: 'not not',
    detection: 'a:\n  A: 1\ncondition: not not a',
    match: [{ A: 1 }],
    noMatch: [{ A: 2 }],
  },
  {
    name: '1 of a pattern',
    detection: "selection_a:\n  A: 1\nselection_b:\n  B: 1\nfilter:\n  F: 1\ncondition: 1 of selection_* and not filter",
    match: [{ A: 1 }, { B: 1 }],
    noMatch: [{ A: 1, F: 1 }, { F: 1 }],
  },
  {
    name: 'any of is 1 of',
    detection: 'sel_a:\n  A: 1\nsel_b:\n  B: 1\ncondition: any of sel_*',
    match: [{ B: 1 }],
    noMatch: [{ C: 1 }],
  },
  {
    name: 'all of a pattern',
    detection: 'sel_a:\n  A: 1\nsel_b:\n  B: 1\nother:\n  C: 1\ncondition: all of sel_*',
    match: [{ A: 1, B: 1 }],
    noMatch: [{ A: 1 }, { A: 1, C: 1 }],
  },
  {
    name: 'a pattern with * in the middle',
    detection: 'sel_x_a:\n  A: 1\nsel_y_b:\n  B: 1\ncondition: all of sel_*_b',
    match: [{ B: 1 }],
    noMatch: [{ A: 1 }],
  },
  {
    name: '1 of them',
    detection: 'a:\n  A: 1\nb:\n  B: 1\ncondition: 1 of them',
    match: [{ A: 1 }, { B: 1 }],
    noMatch: [{ C: 1 }],
  },
  {
    name: 'all of them leaves out identifiers starting with _',
    detection: 'a:\n  A: 1\nb:\n  B: 1\n_helper:\n  H: 1\ncondition: all of them',
    match: [{ A: 1, B: 1 }],
    noMatch: [{ A: 1 }],
  },
  {
    name: 'a list of conditions is their OR',
    detection: 'a:\n  A: 1\nb:\n  B: 1\ncondition:\n  - a\n  - b',
    match: [{ A: 1 }, { B: 1 }],
    noMatch: [{}],
  },
  {
    name: 'condition keywords are case-insensitive',
    detection: 'a:\n  A: 1\nb:\n  B: 1\ncondition: a AND NOT b',
    match: [{ A: 1 }],
    noMatch: [{ A: 1, B: 1 }],
  },
];
