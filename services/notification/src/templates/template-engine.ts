import Handlebars from 'handlebars';
import type { TSchema } from 'typebox';
import { NotificationErrors } from '../errors.ts';

/** The three parts of a template, as stored and as rendered. */
export interface TemplateParts {
  subject: string;
  html: string;
  text: string;
}

type Part = keyof TemplateParts;
type Node = hbs.AST.Node;

// A private Handlebars environment: nothing registered globally can leak into templates.
const hb = Handlebars.create();
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const EACH_DATA = new Set(['index', 'first', 'last', 'key']);

/** A template problem found on save or render: which part, what, where. */
export interface TemplateIssue {
  path: string;
  message: string;
}

interface Scope {
  schema: TSchema | undefined;
  inEach: boolean;
}

function schemaAt(schema: TSchema | undefined, parts: readonly string[]): TSchema | undefined {
  let s = schema as Record<string, unknown> | undefined;
  for (const p of parts) {
    const props = s?.properties as Record<string, Record<string, unknown>> | undefined;
    if (!props || !Object.hasOwn(props, p)) return undefined;
    s = props[p];
  }
  return s as TSchema | undefined;
}

/**
 * The variables a template uses that its type's schema does not have, walking the parsed
 * template: `{{#each}}` and `{{#with}}` change the scope, `../` climbs it. Handlebars' strict
 * mode alone misses a name behind `{{#if}}` or inside an `{{#each}}` over an empty sample.
 */
function unknownVariables(program: hbs.AST.Program, root: TSchema): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const where = (n: Node) => `${n.loc.start.line}:${n.loc.start.column}`;

  function resolve(path: hbs.AST.PathExpression, scopes: Scope[]): TSchema | undefined {
    const top = scopes[scopes.length - 1]!;
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === 'root') return schemaAt(scopes[0]!.schema, rest);
      if (top.inEach && head !== undefined && EACH_DATA.has(head) && rest.length === 0) return {} as TSchema;
      issues.push({ path: `@${path.parts.join('.')}`, message: `unknown data variable at ${where(path)}` });
      return undefined;
    }
    const scope = scopes[scopes.length - 1 - path.depth];
    const found = scope && schemaAt(scope.schema, path.parts);
    if (!found) issues.push({ path: path.original, message: `unknown variable at ${where(path)}` });
    return found;
  }

  function expression(e: Node, scopes: Scope[]): TSchema | undefined {
    if (e.type === 'PathExpression') return resolve(e as hbs.AST.PathExpression, scopes);
    if (e.type === 'SubExpression') {
      const sub = e as hbs.AST.SubExpression;
      issues.push({
        path: sub.path.original,
        message: `helpers are not allowed in expressions (${where(e)})`,
      });
    }
    return undefined;
  }

  function walk(p: hbs.AST.Program | undefined, scopes: Scope[]): void {
    for (const st of p?.body ?? []) {
      if (st.type === 'MustacheStatement') {
        const m = st as hbs.AST.MustacheStatement;
        if (m.params.length > 0 || m.hash) {
          const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '?';
          issues.push({ path: name, message: `helpers are not allowed (${where(st)})` });
        } else expression(m.path, scopes);
      } else if (st.type === 'BlockStatement') {
        const b = st as hbs.AST.BlockStatement;
        const helper = b.path.original;
        if (!BLOCK_HELPERS.has(helper) || b.params.length !== 1) {
          issues.push({
            path: helper,
            message: `only #if, #unless, #each and #with blocks are allowed (${where(st)})`,
          });
          continue;
        }
        const arg = expression(b.params[0]!, scopes) as Record<string, unknown> | undefined;
        let inner = scopes;
        if (helper === 'each') {
          const items = (arg?.items ?? (arg && {})) as TSchema | undefined;
          inner = [...scopes, { schema: items, inEach: true }];
        } else if (helper === 'with') {
          inner = [...scopes, { schema: arg as TSchema | undefined, inEach: false }];
        }
        walk(b.program, inner);
        walk(b.inverse, scopes);
      } else if (
        st.type === 'PartialStatement' ||
        st.type === 'PartialBlockStatement' ||
        st.type === 'DecoratorBlock'
      ) {
        issues.push({ path: st.type, message: `partials and decorators are not allowed (${where(st)})` });
      }
    }
  }
  walk(program, [{ schema: root, inEach: false }]);
  return issues;
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();
const COMPILED_MAX = 2000;

function compileCached(source: string, escape: boolean): Handlebars.TemplateDelegate {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    // strict: a missing value throws instead of rendering as nothing.
    fn = hb.compile(source, { strict: true, knownHelpersOnly: true, noEscape: !escape });
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
}

/** Renders the three parts with the data; the HTML part escapes values, subject and text do not. */
export function renderTemplate(t: TemplateParts, data: Record<string, unknown>): TemplateParts {
  return {
    subject: compileCached(t.subject, false)(data).replace(/\s+/g, ' ').trim(),
    html: compileCached(t.html, true)(data),
    text: compileCached(t.text, false)(data),
  };
}

/**
 * Checks a template before it is stored: each part parses (else NOTIFICATION_TEMPLATE_SYNTAX),
 * uses only its type's variables (else NOTIFICATION_TEMPLATE_UNKNOWN_VARIABLE), and renders the
 * type's sample data (else NOTIFICATION_TEMPLATE_RENDER_FAILED). Returns the rendered sample.
 */
export function checkTemplate(
  t: TemplateParts,
  variables: TSchema,
  sample: Record<string, unknown>,
): TemplateParts {
  const parsed: Array<[Part, hbs.AST.Program]> = [];
  const syntax: TemplateIssue[] = [];
  for (const part of ['subject', 'html', 'text'] as const) {
    try {
      parsed.push([part, hb.parse(t[part])]);
    } catch (err) {
      syntax.push({ path: `/${part}`, message: firstLine(err) });
    }
  }
  if (syntax.length > 0) {
    throw NotificationErrors.NOTIFICATION_TEMPLATE_SYNTAX(
      syntax.map((i) => `${i.path}: ${i.message}`).join('; '),
      {
        errors: syntax,
      },
    );
  }
  const unknown = parsed.flatMap(([part, program]) =>
    unknownVariables(program, variables).map((i) => ({
      path: `/${part}`,
      message: `${i.path}: ${i.message}`,
    })),
  );
  if (unknown.length > 0) {
    throw NotificationErrors.NOTIFICATION_TEMPLATE_UNKNOWN_VARIABLE(
      unknown.map((i) => i.message).join('; '),
      {
        errors: unknown,
      },
    );
  }
  try {
    return renderTemplate(t, sample);
  } catch (err) {
    throw NotificationErrors.NOTIFICATION_TEMPLATE_RENDER_FAILED(firstLine(err));
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}
