import { InvalidOptionError } from '../foundation/errors';
import { AUDIT_GROUP_NAMES, type AuditSwitches } from '../shared-options/switches';

/** A group of audit actions that one `[AUDIT]` switch turns on or off. */
export type AuditGroup = keyof AuditSwitches;

/** Which group an action belongs to; `null` puts it in none (always recorded). */
export type ActionGroups = Readonly<Record<string, AuditGroup | null>>;

const GROUPS: readonly AuditGroup[] = AUDIT_GROUP_NAMES;

const PREFIX_GROUPS: Readonly<Record<string, AuditGroup | undefined>> = {
  'questao.': 'questoes',
  'lista.': 'listas',
  'tag.': 'tags',
  'sessao.': 'sessoes',
};

/**
 * The switch group of an action. An application's `actionGroups` entry wins; then
 * `lista.exportada` is `exportacoes`, and the prefixes `questao.`, `lista.`, `tag.`,
 * `sessao.` give `questoes`, `listas`, `tags`, `sessoes`. Anything else (`backup.*`,
 * custom actions) has no group and is always recorded.
 */
export function auditGroupOf(action: string, actionGroups?: ActionGroups): AuditGroup | undefined {
  if (actionGroups && Object.hasOwn(actionGroups, action)) return actionGroups[action] ?? undefined;
  if (action === 'lista.exportada') return 'exportacoes';
  const prefix = action.slice(0, action.indexOf('.') + 1);
  return PREFIX_GROUPS[prefix];
}

/** The `actionGroups` option, validated and copied (later changes to the caller's object do not leak in). */
export function resolveActionGroups(value: unknown): ActionGroups {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('actionGroups', value, `an object mapping actions to a group or null`);
  }
  const groups: Record<string, AuditGroup | null> = {};
  for (const [action, group] of Object.entries(value)) {
    if (group !== null && !isGroup(group)) {
      throw new InvalidOptionError(`actionGroups.${action}`, group, `null or one of ${GROUPS.join(', ')}`);
    }
    groups[action] = group;
  }
  return Object.freeze(groups);
}

function isGroup(value: unknown): value is AuditGroup {
  return typeof value === 'string' && (GROUPS as readonly string[]).includes(value);
}
