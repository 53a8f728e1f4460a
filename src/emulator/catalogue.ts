/** The connectors the emulator offers, shaped as the spec's ConnectorsMeta. */

export interface ConnectorMeta {
  provider: string;
  provider_name: string;
  category: string;
  active: boolean;
  models: Record<string, unknown>;
  resources: { images: { logo_url: string; original_logo_horizontal_url: string } };
}

// A few realistic unified models a category; clients only display them, so a sample is enough.
const MODELS: Record<string, Record<string, unknown>> = {
  hris: {
    employees: {
      list: { apiPath: '/unified/hris/employees', output: { defaultFields: [{ name: 'id', type: 'string' }] } },
      get: { apiPath: '/unified/hris/employees/:id', output: { defaultFields: [{ name: 'id', type: 'string' }] } },
    },
    time_off: { list: { apiPath: '/unified/hris/time_off' } },
  },
  ats: {
    candidates: { list: { apiPath: '/unified/ats/candidates' }, create: { apiPath: '/unified/ats/candidates' } },
    jobs: { list: { apiPath: '/unified/ats/jobs' } },
  },
  crm: {
    contacts: { list: { apiPath: '/unified/crm/contacts' }, create: { apiPath: '/unified/crm/contacts' } },
    accounts: { list: { apiPath: '/unified/crm/accounts' } },
  },
  iam: { users: { list: { apiPath: '/unified/iam/users' } }, groups: { list: { apiPath: '/unified/iam/groups' } } },
  lms: { courses: { list: { apiPath: '/unified/lms/courses' } } },
  ticketing: { tickets: { list: { apiPath: '/unified/ticketing/tickets' } } },
};

function connector(provider: string, providerName: string, category: string, active = true): ConnectorMeta {
  return {
    provider,
    provider_name: providerName,
    category,
    active,
    models: MODELS[category] ?? {},
    resources: {
      images: {
        logo_url: `https://app.stackone.com/assets/logos/${provider}.png`,
        original_logo_horizontal_url: `https://app.stackone.com/assets/logos/original/${provider}_horizontal.png`,
      },
    },
  };
}

/** Order matters: the first active provider of a category is the default when none is chosen. */
export const CATALOGUE: readonly ConnectorMeta[] = [
  connector('bamboohr', 'BambooHR', 'hris'),
  connector('hibob', 'HiBob', 'hris'),
  connector('workday', 'Workday', 'hris'),
  connector('personio', 'Personio', 'hris'),
  connector('greenhouse', 'Greenhouse', 'ats'),
  connector('lever', 'Lever', 'ats'),
  connector('salesforce', 'Salesforce', 'crm'),
  connector('hubspot', 'HubSpot', 'crm'),
  connector('okta', 'Okta', 'iam'),
  connector('docebo', 'Docebo', 'lms'),
  connector('jira', 'Jira', 'ticketing'),
  // Not enabled for the emulated project: listed only with include=inactive.
  connector('deel', 'Deel', 'hris', false),
  connector('pipedrive', 'Pipedrive', 'crm', false),
];

export function findConnector(provider: string): ConnectorMeta | undefined {
  return CATALOGUE.find((c) => c.provider === provider);
}

/** Active providers a customer may pick for the given categories (all categories when none). */
export function providersFor(categories: readonly string[] | null | undefined): ConnectorMeta[] {
  const wanted = categories && categories.length > 0 ? new Set(categories) : undefined;
  return CATALOGUE.filter((c) => c.active && (!wanted || wanted.has(c.category)));
}
