import type { Caller } from '../auth/caller';
import type { BudgetHint, BudgetRule, SubjectBudget } from './subjectBudget';

/**
 * What a route spends: calls that reach ACS or Graph, calls to the phone network, or Event Grid's
 * deliveries of incoming calls.
 */
export type RouteBudget = 'acs' | 'pstn' | 'incomingCalls';

export interface BudgetLimits {
  tokensPerMinute: number;
  acsPerMinute: number;
  adminAcsPerMinute: number;
  incomingCallsPerMinute: number;
  pstnPerHour: number;
}

export interface CallerBudgets {
  /** One unit of the route's budget for the caller (admins have a larger ACS budget). */
  take(caller: Caller, budget: RouteBudget): Promise<void>;
  /** One token issued by ACS for the subject (cache hits cost nothing); returns the hint for the next. */
  takeTokenIssuance(subjectId: string, hint?: BudgetHint): Promise<BudgetHint>;
}

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;

/**
 * The budgets, with their limits from the configuration. ACS throttles per resource, so one subject must
 * not be able to spend what every user shares; phone calls cost money, so they have a budget of their own.
 */
export function createCallerBudgets(budget: SubjectBudget, limits: BudgetLimits): CallerBudgets {
  const tokens: BudgetRule = {
    name: 'tokens',
    limit: limits.tokensPerMinute,
    windowMs: minuteMs,
    code: 'TokenRateLimited',
    describe: `At most ${limits.tokensPerMinute} tokens a minute may be issued to one subject.`,
  };
  const acs = (limit: number): BudgetRule => ({
    name: 'acs',
    limit,
    windowMs: minuteMs,
    code: 'AcsBudgetExceeded',
    describe: `At most ${limit} requests a minute that reach Azure Communication Services may come from one subject.`,
  });
  const pstn: BudgetRule = {
    name: 'pstn',
    limit: limits.pstnPerHour,
    windowMs: hourMs,
    code: 'PstnBudgetExceeded',
    describe: `At most ${limits.pstnPerHour} phone calls an hour may be placed by one subject.`,
  };
  // Event Grid answers for the callers of every number: a user's budget would turn away a busy line's
  // callers, no budget would let a leaked delivery token drive ACS without limit.
  const incomingCalls: BudgetRule = {
    name: 'incomingCalls',
    limit: limits.incomingCallsPerMinute,
    windowMs: minuteMs,
    code: 'IncomingCallBudgetExceeded',
    describe: `At most ${limits.incomingCallsPerMinute} incoming-call deliveries a minute are taken.`,
  };
  const userAcs = acs(limits.acsPerMinute);
  const adminAcs = acs(limits.adminAcsPerMinute);
  const ruleOf = (caller: Caller, kind: RouteBudget): BudgetRule => {
    if (kind === 'pstn') return pstn;
    if (kind === 'incomingCalls') return incomingCalls;
    return caller.isAdmin ? adminAcs : userAcs;
  };
  return {
    take: async (caller, kind) => {
      await budget.take(caller.subjectId, ruleOf(caller, kind));
    },
    takeTokenIssuance: (subjectId, hint) => budget.take(subjectId, tokens, hint),
  };
}
