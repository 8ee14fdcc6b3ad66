import type { TokenCredential } from '@azure/core-auth';
import type { AuditLog } from '../audit/auditLog';
import type { BearerTokenVerifier } from '../auth/bearerTokenVerifier';
import type { CallerBudgets } from '../budgets/callerBudgets';
import type { CallAutomation } from '../callAutomation/callAutomation';
import type { CallService } from '../calls/callService';
import type { AppConfig } from '../config/appConfig';
import type { ContactService } from '../contacts/contactService';
import type { SubjectErasure } from '../erasure/subjectErasure';
import type { HealthReport } from '../health/healthCheck';
import type { IdentityService } from '../identity/identityService';
import type { SecretProvider } from '../secrets/secretProvider';
import type { Clock } from '../time/clock';
import type { Sleep } from '../time/sleep';
import type { TokenMetrics } from '../tokens/tokenMetrics';
import type { TokenService } from '../tokens/tokenService';

/** Everything the functions call into, built once per instance from the configuration. */
export interface AppServices {
  config: AppConfig;
  verifier: BearerTokenVerifier;
  identities: IdentityService;
  tokens: TokenService;
  calls: CallService;
  /** Present when Call Automation is set up (CALLBACK_BASE_URL). */
  callAutomation?: CallAutomation | undefined;
  contacts: ContactService;
  erasure: SubjectErasure;
  audit: AuditLog;
  budgets: CallerBudgets;
  /** This instance's token path counters (cache hit ratio, ACS calls, refusals). */
  tokenMetrics: TokenMetrics;
  /** Resolves once the tables exist; a failure is retried on the next call. */
  ready(): Promise<void>;
  health(): Promise<HealthReport>;
}

/** What differs between Azure, the local host and tests; each has a production default. */
export interface AppDependencies {
  credential?: TokenCredential;
  /** Where Key Vault secrets come from; by default the real SecretClient when KEY_VAULT_URL is set. */
  secrets?: SecretProvider;
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
}
