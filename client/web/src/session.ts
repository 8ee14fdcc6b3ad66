/** A signed-in user, however they signed in (the dev issuer locally, Entra ID through MSAL in Azure). */
export interface Session {
  /** The id the service knows this user by: what others type to ask them to be a contact. */
  readonly subjectId: string;
  readonly displayName: string | undefined;
  /** A bearer token for the service. */
  bearer(): Promise<string>;
  /** Forgets the sign-in in this browser tab. */
  end(): Promise<void>;
}
