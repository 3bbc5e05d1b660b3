// ESLint rule: services talk over HTTP and events, never through each other's code
// (ARCHITECTURE.md §1). A file may import packages/*, its own service's code, and — from
// apps/ only — a service's package entry (`@mercato/<service>`), never its internals.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const servicesDir = path.join(root, 'services');
const serviceNames = new Set(
  existsSync(servicesDir)
    ? readdirSync(servicesDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [],
);

/** `services/<name>` or `apps/<name>` or `packages/<name>` a file belongs to. */
function ownerOf(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel.length < 2 || rel[0] === '..') return undefined;
  if (rel[0] === 'services' || rel[0] === 'apps' || rel[0] === 'packages')
    return { kind: rel[0], name: rel[1] };
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const serviceBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "refuses imports of one service's code from another service, a package or an app" },
    schema: [],
    messages: {
      crossService:
        '{{from}} may not import the code of service {{to}}: call its API through a typed client (packages/contracts) or react to its events',
      fromPackage:
        'packages/{{from}} may not depend on service {{to}}: the kit and contracts stand below every service',
      deepImport:
        'apps/{{from}} may import service {{to}} only through its package entry (@mercato/{{to}}), not its internals',
    },
  },
  create(context) {
    const importer = ownerOf(context.filename);
    if (!importer) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      let target;
      let deep = false;
      if (spec.startsWith('.')) {
        const resolved = ownerOf(path.resolve(path.dirname(context.filename), spec));
        if (resolved?.kind !== 'services') return;
        target = resolved.name;
        deep = true;
      } else {
        const m = /^@mercato\/([^/]+)(\/.*)?$/.exec(spec);
        if (!m || !serviceNames.has(m[1])) return;
        target = m[1];
        deep = m[2] !== undefined;
      }
      if (importer.kind === 'services' && importer.name === target) return;
      if (importer.kind === 'services') {
        context.report({
          node,
          messageId: 'crossService',
          data: { from: `services/${importer.name}`, to: target },
        });
      } else if (importer.kind === 'packages') {
        context.report({ node, messageId: 'fromPackage', data: { from: importer.name, to: target } });
      } else if (deep) {
        context.report({ node, messageId: 'deepImport', data: { from: importer.name, to: target } });
      }
    };
    const fromSource = (node) => check(node, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

/** The plugin the project's eslint.config.js loads. */
export default { rules: { 'service-boundaries': serviceBoundaries } };
