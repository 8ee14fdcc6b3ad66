import { z } from 'zod';
import { isE164 } from './identifierModel';

export const phoneNumberCapabilities = ['none', 'inbound', 'outbound', 'inbound+outbound'] as const;
export type PhoneNumberCapability = (typeof phoneNumberCapabilities)[number];

export const ownedPhoneNumberSpecSchema = z.object({
  phoneNumber: z.string().refine(isE164, 'phoneNumber must be E.164, e.g. +14255550100.'),
  calling: z.enum(phoneNumberCapabilities).optional(),
  sms: z.enum(phoneNumberCapabilities).optional(),
  phoneNumberType: z.enum(['geographic', 'tollFree', 'mobile']).optional(),
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type OwnedPhoneNumberSpec = z.infer<typeof ownedPhoneNumberSpecSchema>;

/** PurchasedPhoneNumber as the PhoneNumbers API (2025-06-01) answers it. */
export interface PurchasedPhoneNumber {
  id: string;
  phoneNumber: string;
  countryCode: string;
  phoneNumberType: 'geographic' | 'tollFree' | 'mobile';
  capabilities: { calling: PhoneNumberCapability; sms: PhoneNumberCapability };
  assignmentType: 'application';
  purchaseDate: string;
  cost: { amount: number; currencyCode: string; billingFrequency: 'monthly' };
}

/** The number a fresh emulator owns, able to place and take calls. */
export const defaultOwnedPhoneNumber = '+14255550100';

/**
 * The numbers the emulated resource owns. Calls to phone numbers must show one of them as caller id
 * (with outbound calling), and inbound calls can only reach one of them (with inbound calling).
 */
export class OwnedPhoneNumbers {
  private readonly byNumber = new Map<string, PurchasedPhoneNumber>();

  constructor(specs: readonly OwnedPhoneNumberSpec[] = [{ phoneNumber: defaultOwnedPhoneNumber }]) {
    for (const spec of specs) this.add(spec);
  }

  /** Adds a number, or replaces the capabilities of one already owned. */
  add(spec: OwnedPhoneNumberSpec, now = new Date()): PurchasedPhoneNumber {
    const valid = ownedPhoneNumberSpecSchema.parse(spec);
    const number: PurchasedPhoneNumber = {
      id: valid.phoneNumber.slice(1),
      phoneNumber: valid.phoneNumber,
      countryCode: valid.countryCode ?? (valid.phoneNumber.startsWith('+1') ? 'US' : 'ZZ'),
      phoneNumberType: valid.phoneNumberType ?? 'geographic',
      capabilities: { calling: valid.calling ?? 'inbound+outbound', sms: valid.sms ?? 'none' },
      assignmentType: 'application',
      purchaseDate: this.byNumber.get(valid.phoneNumber)?.purchaseDate ?? now.toISOString(),
      cost: { amount: 1, currencyCode: 'USD', billingFrequency: 'monthly' },
    };
    this.byNumber.set(number.phoneNumber, number);
    return structuredClone(number);
  }

  list(): PurchasedPhoneNumber[] {
    return [...this.byNumber.values()].map((number) => structuredClone(number));
  }

  get(phoneNumber: string): PurchasedPhoneNumber | undefined {
    const number = this.byNumber.get(phoneNumber);
    return number && structuredClone(number);
  }

  canCallOut(phoneNumber: string): boolean {
    const calling = this.byNumber.get(phoneNumber)?.capabilities.calling;
    return calling === 'outbound' || calling === 'inbound+outbound';
  }

  canReceiveCalls(phoneNumber: string): boolean {
    const calling = this.byNumber.get(phoneNumber)?.capabilities.calling;
    return calling === 'inbound' || calling === 'inbound+outbound';
  }
}
