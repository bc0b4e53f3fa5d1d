/** Matches request paths against HTTP-trigger route templates (`images/{id}/variants/{name?}`). */
import type { RegisteredFunction } from './functions-core';

export interface CompiledRoute {
  fn: RegisteredFunction;
  methods: Set<string> | undefined;
  regex: RegExp;
  specificity: number;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoute(fn: RegisteredFunction): CompiledRoute {
  const template = String(fn.trigger.route ?? fn.name).replace(/^\/+|\/+$/g, '');
  let pattern = '';
  let specificity = 0;
  const segments = template.split('/');
  segments.forEach((segment, i) => {
    const slash = i === 0 ? '' : '/';
    const whole = /^\{(\*?)([A-Za-z_][\w]*)(?::[^}?]+)?(\?)?\}$/.exec(segment);
    if (whole) {
      const [, star, name, optional] = whole;
      const group = star ? `(?<${name}>.*)` : `(?<${name}>[^/]+)`;
      pattern += optional || star ? `(?:${slash}${group})?` : `${slash}${group}`;
      return;
    }
    specificity += 10;
    pattern +=
      slash +
      segment
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const m = /^\{([A-Za-z_][\w]*)(?::[^}?]+)?\??\}$/.exec(part);
          return m ? `(?<${m[1]}>[^/]+?)` : escape(part);
        })
        .join('');
  });
  const methods = Array.isArray(fn.trigger.methods)
    ? new Set(fn.trigger.methods.map((m) => m.toUpperCase()))
    : undefined;
  return { fn, methods, regex: new RegExp(`^${pattern}$`, 'i'), specificity };
}

export function matchRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
):
  | { route: CompiledRoute; params: Record<string, string> }
  | { methodNotAllowed: true }
  | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.methods && !route.methods.has(method.toUpperCase())) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {}))
      if (v !== undefined) params[k] = decodeURIComponent(v);
    return { route, params };
  }
  return pathMatched ? { methodNotAllowed: true } : undefined;
}

export function sortRoutes(routes: CompiledRoute[]): CompiledRoute[] {
  return [...routes].sort((a, b) => b.specificity - a.specificity);
}
