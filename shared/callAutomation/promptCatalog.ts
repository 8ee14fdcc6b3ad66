import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { badRequest, notFound } from '../errors/serviceError';
import { asStorageUnavailable } from '../storage/storageFailure';
import { deleteTableRow, readTableRow, upsertTableRow } from '../storage/tableRow';
import { systemClock, type Clock } from '../time/clock';

/** A prompt id: what play and recognize name; a legal table key as it is. */
export const promptIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, dashes or underscores');

export interface Prompt {
  promptId: string;
  url: string;
  description: string;
  updatedAt: string;
  updatedBy: string;
}

export interface PromptCatalog {
  /** Adds or replaces a prompt; its URL must be https on an allowed host (else 400). */
  put(
    actor: string,
    promptId: string,
    input: { url: string; description?: string | undefined },
  ): Promise<Prompt>;
  /** 404 when there is none. */
  get(promptId: string): Promise<Prompt>;
  find(promptId: string): Promise<Prompt | undefined>;
  list(): Promise<Prompt[]>;
  /** Idempotent. */
  remove(promptId: string): Promise<void>;
}

/*
 * Layout of the Prompts table: PK="prompt", RK=<prompt id>: {promptId, url, description, updatedAt, updatedBy}.
 * Audio reaches a call only from here: clients name a prompt, never a URL, so nobody can make the service's
 * calls play (or ACS fetch) an address an admin did not put in the catalog.
 */
const partition = 'prompt';

export function createPromptCatalog(options: {
  table: TableClient;
  allowedHosts: readonly string[];
  clock?: Clock;
}): PromptCatalog {
  const { table } = options;
  const clock = options.clock ?? systemClock;
  const allowed = new Set(options.allowedHosts.map((host) => host.toLowerCase()));

  const find = async (promptId: string) => {
    const entity = await readTableRow(table, partition, promptId);
    return entity && promptSchema.parse(entity);
  };

  return {
    async put(actor, promptId, input) {
      assertAllowedUrl(input.url, allowed);
      const prompt: Prompt = {
        promptId,
        url: input.url,
        description: input.description ?? '',
        updatedAt: clock().toISOString(),
        updatedBy: actor,
      };
      await upsertTableRow(table, { partitionKey: partition, rowKey: promptId, ...prompt });
      return prompt;
    },
    async get(promptId) {
      const prompt = await find(promptId);
      if (!prompt) throw notFound('No prompt has that id.', { code: 'PromptNotFound' });
      return prompt;
    },
    find,
    async list() {
      const prompts: Prompt[] = [];
      try {
        const filter = odata`PartitionKey eq ${partition}`;
        for await (const entity of table.listEntities<Record<string, unknown>>({
          queryOptions: { filter },
        })) {
          prompts.push(promptSchema.parse(entity));
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      return prompts;
    },
    remove: (promptId) => deleteTableRow(table, partition, promptId),
  };
}

/** https, no credentials in the URL, and a host from PROMPT_ALLOWED_HOSTS (exactly: no subdomains by implication). */
function assertAllowedUrl(url: string, allowed: ReadonlySet<string>): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const problem = (message: string) =>
    badRequest(`The prompt URL ${message}.`, {
      code: 'PromptUrlNotAllowed',
      errors: [{ path: '/url', message }],
    });
  if (!parsed || parsed.protocol !== 'https:') throw problem('must be an https URL');
  if (parsed.username || parsed.password) throw problem('must not carry credentials');
  if (!allowed.has(parsed.hostname.toLowerCase())) {
    throw problem(
      allowed.size === 0
        ? 'cannot be accepted: no host is allowed (PROMPT_ALLOWED_HOSTS is empty)'
        : `must be on an allowed host (${[...allowed].join(', ')})`,
    );
  }
}

const promptSchema = z.object({
  promptId: z.string(),
  url: z.string(),
  description: z.string().default(''),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
