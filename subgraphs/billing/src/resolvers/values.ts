/**
 * Value objects carry the id of the person whose invoice they are printed on, so the policy
 * knows whom they are about. `personId` is not in the schema: the graph never shows it.
 */
export interface Money {
  personId: string;
  amountCents: number;
  currency: string;
}

export interface InvoiceAddress {
  personId: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface InvoiceRecipient {
  personId: string;
  name: string;
  address: InvoiceAddress;
}
