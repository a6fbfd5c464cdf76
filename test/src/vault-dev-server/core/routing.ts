import type { Params, Route } from './types';

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

const cache = new WeakMap<Route[], Compiled[]>();

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map(seg => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      if (seg.startsWith('*')) {
        names.push(seg.slice(1));
        return '(.+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, regex: new RegExp(`^${source}$`), names };
}

/**
 * The first route of a backend whose pattern matches the path inside the
 * mount. A LIST path's trailing slash is ignored here.
 */
export function matchRoute(
  routes: Route[],
  rest: string,
): { route: Route; params: Params } | undefined {
  let compiled = cache.get(routes);
  if (!compiled) {
    compiled = routes.map(compile);
    cache.set(routes, compiled);
  }
  const path = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  for (const c of compiled) {
    const m = c.regex.exec(path);
    if (!m) continue;
    const params: Params = {};
    c.names.forEach((n, i) => (params[n] = m[i + 1]));
    return { route: c.route, params };
  }
  return undefined;
}
