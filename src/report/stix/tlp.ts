/** The Traffic Light Protocol markings STIX 2.1 defines (spec §7.2.1.4), with their fixed ids. */

export type Tlp = 'white' | 'green' | 'amber' | 'red';

const IDS: Record<Tlp, string> = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

export const TLP_LEVELS = Object.keys(IDS) as Tlp[];

export function tlpMarking(tlp: Tlp): Record<string, unknown> {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: IDS[tlp],
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: `TLP:${tlp.toUpperCase()}`,
    definition: { tlp },
  };
}
