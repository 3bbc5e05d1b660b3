import { CommonErrors } from '@mercato/platform/errors';
import type { ExpectedVersion } from '@mercato/platform/http';
import type { Kysely } from '@mercato/platform/db';
import type { ServiceContext } from '@mercato/platform/service';
import { Value } from 'typebox/value';
import type { NotificationDB } from '../db.ts';
import { NotificationErrors } from '../errors.ts';
import { DEFAULT_LOCALE, defaultTemplates } from './defaults.ts';
import {
  isNotificationType,
  notificationTypes,
  NOTIFICATION_TYPES,
  type NotificationType,
} from './notification-types.ts';
import type { PreviewInput, Template, TemplateInput } from './template.ts';
import { checkTemplate, renderTemplate, type TemplateParts } from './template-engine.ts';
import { templateRepository as repo, type TemplateRow } from './template-repository.ts';

/** Templates per type and locale: stored edits over the shipped defaults. */
export interface TemplateService {
  types(): Array<{
    type: string;
    category: string;
    description: string;
    variables: unknown;
    sample: unknown;
    locales: string[];
  }>;
  list(): Promise<Template[]>;
  get(type: string, locale: string): Promise<Template>;
  save(
    type: string,
    locale: string,
    input: TemplateInput,
    expected: ExpectedVersion,
    actor: string,
  ): Promise<Template>;
  preview(type: string, locale: string, input: PreviewInput): Promise<TemplateParts>;
  /** The message a type renders for a recipient's locale (falling back to the default locale). */
  render(
    db: Kysely<NotificationDB>,
    type: NotificationType,
    locale: string,
    data: Record<string, unknown>,
  ): Promise<TemplateParts>;
}

function knownType(type: string): NotificationType {
  if (!isNotificationType(type))
    throw NotificationErrors.NOTIFICATION_TYPE_UNKNOWN(`no notification type ${type}`);
  return type;
}

/** `de-AT` → [`de-AT`, `de`, `en`]: the locales a message falls back through. */
export function localeChain(locale: string): string[] {
  const chain = [locale];
  const lang = locale.split('-')[0]!;
  if (lang !== locale) chain.push(lang);
  if (!chain.includes(DEFAULT_LOCALE)) chain.push(DEFAULT_LOCALE);
  return chain;
}

function fromRow(row: TemplateRow): Template {
  return {
    type: row.type,
    locale: row.locale,
    subject: row.subject,
    html: row.html,
    text: row.text,
    source: 'database',
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

function fromDefault(type: string, locale: string, parts: TemplateParts): Template {
  return { type, locale, ...parts, source: 'default', version: 0, updatedAt: null, updatedBy: null };
}

/** The data's fields that the type's schema refuses, as problem entries. */
export function checkData(type: NotificationType, data: Record<string, unknown>): void {
  const schema = notificationTypes[type].variables;
  const errors = [...Value.Errors(schema, data)].map((e) => ({
    path: `/data${e.instancePath}`,
    message: e.message,
  }));
  if (errors.length > 0) {
    throw NotificationErrors.NOTIFICATION_DATA_INVALID(`the data does not fit ${type}'s variables`, {
      errors,
    });
  }
}

export function createTemplateService(ctx: ServiceContext<NotificationDB>): TemplateService {
  const { database } = ctx;

  async function resolve(
    db: Kysely<NotificationDB>,
    type: NotificationType,
    locale: string,
  ): Promise<Template> {
    const chain = localeChain(locale);
    const rows = await repo.find(db, type, chain);
    for (const l of chain) {
      const row = rows.find((r) => r.locale === l);
      if (row) return fromRow(row);
      const shipped = defaultTemplates[type][l];
      if (shipped) return fromDefault(type, l, shipped);
    }
    throw NotificationErrors.NOTIFICATION_TEMPLATE_NOT_FOUND(`no template for ${type} in ${locale}`);
  }

  return {
    types() {
      return NOTIFICATION_TYPES.map((type) => ({
        type,
        category: notificationTypes[type].category,
        description: notificationTypes[type].description,
        variables: notificationTypes[type].variables,
        sample: notificationTypes[type].sample,
        locales: Object.keys(defaultTemplates[type]),
      }));
    },

    async list() {
      const rows = await repo.list(database.db);
      const out = rows.filter((r) => isNotificationType(r.type)).map(fromRow);
      for (const type of NOTIFICATION_TYPES) {
        for (const [locale, parts] of Object.entries(defaultTemplates[type])) {
          if (!out.some((t) => t.type === type && t.locale === locale))
            out.push(fromDefault(type, locale, parts));
        }
      }
      return out.sort((a, b) => a.type.localeCompare(b.type) || a.locale.localeCompare(b.locale));
    },

    async get(type, locale) {
      const t = knownType(type);
      const [row] = await repo.find(database.db, t, [locale]);
      if (row) return fromRow(row);
      const shipped = defaultTemplates[t][locale];
      if (shipped) return fromDefault(t, locale, shipped);
      throw NotificationErrors.NOTIFICATION_TEMPLATE_NOT_FOUND(`no template for ${type} in ${locale}`);
    },

    async save(type, locale, input, expected, actor) {
      const t = knownType(type);
      // Refused before anything is written: a template must parse, use only its type's
      // variables and render the type's sample.
      checkTemplate(input, notificationTypes[t].variables, notificationTypes[t].sample);
      const version = expected === '*' ? undefined : expected;
      const row = await repo.save(database.db, t, locale, input, actor, version);
      if (!row) {
        const [current] = await repo.find(database.db, t, [locale]);
        throw CommonErrors.PRECONDITION_FAILED(
          `expected version ${version}, current version is ${current?.version ?? 0}`,
        );
      }
      return fromRow(row);
    },

    async preview(type, locale, input) {
      const t = knownType(type);
      const data = input.data ?? notificationTypes[t].sample;
      if (input.data) checkData(t, input.data);
      if (input.template) {
        checkTemplate(input.template, notificationTypes[t].variables, notificationTypes[t].sample);
        return renderTemplate(input.template, data);
      }
      return renderTemplate(await resolve(database.db, t, locale), data);
    },

    async render(db, type, locale, data) {
      return renderTemplate(await resolve(db, type, locale), data);
    },
  };
}
