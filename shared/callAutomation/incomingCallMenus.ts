import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { OwnedPhoneNumber } from '../acs/acsCallAutomationGateway';
import { badRequest, notFound } from '../errors/serviceError';
import { asStorageUnavailable } from '../storage/storageFailure';
import { deleteTableRow, readTableRow, upsertTableRow } from '../storage/tableRow';
import { systemClock, type Clock } from '../time/clock';
import type { DtmfKey } from './dtmfTone';
import type { PromptCatalog } from './promptCatalog';

/** Where a menu choice sends the caller: an ACS user, or a phone number. */
export type MenuTarget = { communicationUserId: string } | { phoneNumber: string };

export interface MenuChoice {
  key: DtmfKey;
  label?: string | undefined;
  target: MenuTarget;
}

export interface MenuDefinition {
  /** Played while the caller may already press a key; absent: the menu listens in silence. */
  greetingPromptId?: string | undefined;
  choices: MenuChoice[];
  /** How long the caller has to press a key, each attempt. */
  initialSilenceTimeoutSeconds: number;
  /** How many times the greeting is played and a key listened for before the service hangs up. */
  maxAttempts: number;
}

export interface IncomingCallMenu extends MenuDefinition {
  phoneNumber: string;
  updatedAt: string;
  updatedBy: string;
}

export interface IncomingCallMenus {
  /**
   * Sets the menu of one of the resource's numbers. 400 when the number is not the resource's (or cannot be
   * called), or the greeting is not in the prompt catalog.
   */
  put(actor: string, phoneNumber: string, menu: MenuDefinition): Promise<IncomingCallMenu>;
  get(phoneNumber: string): Promise<IncomingCallMenu>;
  find(phoneNumber: string): Promise<IncomingCallMenu | undefined>;
  list(): Promise<IncomingCallMenu[]>;
  /** Idempotent. */
  remove(phoneNumber: string): Promise<void>;
}

/*
 * Layout of the IncomingCallMenus table: PK="menu", RK=<number without "+">: the menu as JSON (`menu`),
 * and who set it when. A call that comes in takes a copy of its number's menu (ConnectionRecord.incoming),
 * so changing a menu never changes a call already in it.
 */
const partition = 'menu';
const rowKeyOf = (phoneNumber: string) => phoneNumber.replace(/^\+/, '');

export function createIncomingCallMenus(options: {
  table: TableClient;
  prompts: Pick<PromptCatalog, 'find'>;
  ownedNumbers: () => Promise<OwnedPhoneNumber[]>;
  clock?: Clock;
}): IncomingCallMenus {
  const { table } = options;
  const clock = options.clock ?? systemClock;

  const find = async (phoneNumber: string) => {
    const entity = await readTableRow(table, partition, rowKeyOf(phoneNumber));
    return entity && menuRowSchema.parse(entity);
  };

  return {
    async put(actor, phoneNumber, definition) {
      if (definition.greetingPromptId && !(await options.prompts.find(definition.greetingPromptId))) {
        throw badRequest('No prompt of the catalog has that id.', {
          code: 'UnknownPrompt',
          errors: [{ path: '/greetingPromptId', message: 'is not in the prompt catalog' }],
        });
      }
      const owned = (await options.ownedNumbers()).find((number) => number.phoneNumber === phoneNumber);
      if (!owned || !owned.calling.includes('inbound')) {
        throw badRequest('Menus are for the resource’s own numbers that take calls.', {
          code: 'NotAnOwnedNumber',
          errors: [
            { path: '/params/phoneNumber', message: 'is not an inbound-capable number of this resource' },
          ],
        });
      }
      const menu: IncomingCallMenu = {
        ...definition,
        phoneNumber,
        updatedAt: clock().toISOString(),
        updatedBy: actor,
      };
      const { phoneNumber: _number, updatedAt, updatedBy, ...stored } = menu;
      await upsertTableRow(table, {
        partitionKey: partition,
        rowKey: rowKeyOf(phoneNumber),
        phoneNumber,
        menu: JSON.stringify(stored),
        updatedAt,
        updatedBy,
      });
      return menu;
    },
    async get(phoneNumber) {
      const menu = await find(phoneNumber);
      if (!menu) throw notFound('That number has no menu.', { code: 'MenuNotFound' });
      return menu;
    },
    find,
    async list() {
      const menus: IncomingCallMenu[] = [];
      try {
        const filter = odata`PartitionKey eq ${partition}`;
        for await (const entity of table.listEntities<Record<string, unknown>>({
          queryOptions: { filter },
        })) {
          menus.push(menuRowSchema.parse(entity));
        }
      } catch (error) {
        throw asStorageUnavailable(error);
      }
      return menus;
    },
    remove: (phoneNumber) => deleteTableRow(table, partition, rowKeyOf(phoneNumber)),
  };
}

const storedMenuSchema = z.object({
  greetingPromptId: z.string().optional(),
  choices: z.array(
    z.object({
      key: z.string(),
      label: z.string().optional(),
      target: z.union([z.object({ communicationUserId: z.string() }), z.object({ phoneNumber: z.string() })]),
    }),
  ),
  initialSilenceTimeoutSeconds: z.number(),
  maxAttempts: z.number(),
});

const menuRowSchema = z
  .object({ phoneNumber: z.string(), menu: z.string(), updatedAt: z.string(), updatedBy: z.string() })
  .transform((row): IncomingCallMenu => ({
    ...(storedMenuSchema.parse(JSON.parse(row.menu)) as MenuDefinition),
    phoneNumber: row.phoneNumber,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  }));
