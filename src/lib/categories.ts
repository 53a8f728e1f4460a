/** How a category reads to a person (the key is what is sent): the prompts, the summary and the hub. */
const CATEGORY_LABELS: Record<string, string> = {
  ats: 'ATS',
  hris: 'HRIS',
  'hris-legacy': 'HRIS (legacy)',
  crm: 'CRM',
  iam: 'IAM',
  lms: 'LMS',
  stackone: 'StackOne',
  marketing: 'Marketing',
  documents: 'Documents',
  ticketing: 'Ticketing',
  screening: 'Screening',
  messaging: 'Messaging',
  accounting: 'Accounting',
  scheduling: 'Scheduling',
};

/** The label of a known category; any other key as it is (the caller sanitises or escapes it). */
export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category;
}
