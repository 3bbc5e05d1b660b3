// The metric names a PromQL expression reads (enough of PromQL for dashboards and alert rules).

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/** Metric names in an expression: identifiers that are neither functions, keywords, labels nor Grafana variables. */
export function metricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?\w+\}?/g, ' ') // Grafana variables
    .replace(/(?<![\w:])\d+(\.\d+)?(e[+-]?\d+)?/gi, ' '); // numbers (1e6)
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const name = m[0];
    const after = stripped.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    names.add(name);
  }
  return names;
}
