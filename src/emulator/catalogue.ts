/**
 * The connectors the emulator offers. GET /connectors/meta serves them in the shape of a real
 * response kept in StackOne's examples repository (apps/hris-employee-create-demo/
 * get_connector_metadata_example_resonse.json): `provider`, `provider_name`, `category` and
 * `models` with snake_case keys (`api_path`, `operation_type`, `default_fields`, `expand_fields`),
 * and no `active` or `resources` unless `include` asks for them.
 */

export interface Connector {
  provider: string;
  provider_name: string;
  category: string;
  /** Enabled for the emulated project; served only with include=inactive. */
  active: boolean;
  models: Record<string, unknown>;
}

/** One entry of GET /connectors/meta, as served. */
export interface ConnectorMeta {
  provider: string;
  provider_name: string;
  category: string;
  models: Record<string, unknown>;
  active?: boolean;
  resources?: { images: { logo_url: string; original_logo_horizontal_url: string } };
}

type Field = { name: string; type: string; required?: boolean };

const field = (name: string, type = 'string'): Field => ({ name, type });
const read = (apiPath: string, fields: Field[]) => ({
  output: { default_fields: fields, expand_fields: [] },
  api_path: apiPath,
  operation_type: 'read',
});
const write = (apiPath: string, fields: Field[]) => ({
  input: { default_fields: fields, expand_fields: [] },
  output: { default_fields: [field('id')], expand_fields: [] },
  api_path: apiPath,
  operation_type: 'write',
});

/** A model with list and get, as the unified API names its paths. */
function readable(path: string, fields: Field[]): Record<string, unknown> {
  return { list: read(path, fields), get: read(`${path}/:id`, fields) };
}

// A few realistic unified models a category; clients only display them, so a sample is enough.
const MODELS: Record<string, Record<string, unknown>> = {
  hris: {
    employees: {
      ...readable('/unified/hris/employees', [
        field('id'),
        field('first_name'),
        field('last_name'),
        field('work_email'),
        field('hire_date', 'datetime'),
      ]),
      create: write('/unified/hris/employees', [
        { ...field('first_name'), required: true },
        { ...field('last_name'), required: true },
      ]),
    },
    time_off: readable('/unified/hris/time_off', [field('id'), field('employee_id'), field('start_date', 'datetime')]),
  },
  ats: {
    candidates: {
      ...readable('/unified/ats/candidates', [field('id'), field('first_name'), field('last_name'), field('email')]),
      create: write('/unified/ats/candidates', [
        { ...field('first_name'), required: true },
        { ...field('last_name'), required: true },
      ]),
    },
    jobs: readable('/unified/ats/jobs', [field('id'), field('title'), field('status', 'enum')]),
  },
  crm: {
    contacts: {
      ...readable('/unified/crm/contacts', [field('id'), field('first_name'), field('last_name'), field('emails')]),
      create: write('/unified/crm/contacts', [field('first_name'), field('last_name')]),
    },
    accounts: readable('/unified/crm/accounts', [field('id'), field('name')]),
  },
  iam: {
    users: readable('/unified/iam/users', [field('id'), field('primary_email_address'), field('status', 'enum')]),
    groups: readable('/unified/iam/groups', [field('id'), field('name')]),
  },
  lms: { courses: readable('/unified/lms/courses', [field('id'), field('title')]) },
  ticketing: { tickets: readable('/unified/ticketing/tickets', [field('id'), field('title'), field('status', 'enum')]) },
};

function connector(provider: string, providerName: string, category: string, active = true): Connector {
  return { provider, provider_name: providerName, category, active, models: MODELS[category] ?? {} };
}

/** Order matters: it is the order of the list and of the hub's provider cards. */
export const CATALOGUE: readonly Connector[] = [
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

export function findConnector(provider: string): Connector | undefined {
  return CATALOGUE.find((c) => c.provider === provider);
}

/** Active providers a customer may pick for the given categories (all categories when none). */
export function providersFor(categories: readonly string[] | null | undefined): Connector[] {
  const wanted = categories && categories.length > 0 ? new Set(categories) : undefined;
  return CATALOGUE.filter((c) => c.active && (!wanted || wanted.has(c.category)));
}

/**
 * A connector as GET /connectors/meta serves it. `include` is the spec's comma-separated list
 * (field_path, unmapped_fields, resources, inactive, webhooks, static_fields): `inactive` adds
 * `active` (so enabled and disabled providers can be told apart), `resources` adds the logos;
 * the others change nothing here.
 */
export function connectorMeta(c: Connector, include: ReadonlySet<string>): ConnectorMeta {
  const meta: ConnectorMeta = { provider: c.provider, provider_name: c.provider_name, category: c.category, models: c.models };
  if (include.has('inactive')) meta.active = c.active;
  if (include.has('resources')) {
    meta.resources = {
      images: {
        logo_url: `https://app.stackone.com/assets/logos/${c.provider}.png`,
        original_logo_horizontal_url: `https://app.stackone.com/assets/logos/original/${c.provider}_horizontal.png`,
      },
    };
  }
  return meta;
}
