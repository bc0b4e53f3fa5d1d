/**
 * A small evaluator of ARM template expressions, enough to read what the compiled template
 * would set for a given set of parameters: app settings, module parameters, outputs. Values
 * that exist only once Azure has created a resource (endpoints, the identity's client id) are
 * placeholders of the form `https://runtime.invalid/{resource}/{property}`, which parse as URLs.
 * An unknown function throws, so a template feature the evaluator cannot read fails the tests
 * instead of being skipped.
 */
import { createHash } from 'node:crypto';
import { resourcesOf, type ArmResource, type ArmTemplate, type Json } from './compiled-template';

type Node =
  | { kind: 'literal'; value: Json }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'member'; target: Node; property: string }
  | { kind: 'index'; target: Node; index: Node };

const RUNTIME = Symbol('runtime');
type Runtime = { [RUNTIME]: string } & Record<string, unknown>;

function runtime(path: string): Runtime {
  const target = { [RUNTIME]: path } as Runtime;
  return new Proxy(target, {
    get(obj, key) {
      if (key === RUNTIME) return path;
      if (key === Symbol.toPrimitive || key === 'toString')
        return () => `https://runtime.invalid/${path}`;
      if (typeof key === 'symbol') return undefined;
      return runtime(`${path}/${key}`);
    },
  });
}

export function isRuntime(value: unknown): boolean {
  return typeof value === 'object' && value !== null && RUNTIME in value;
}

function parse(source: string): Node {
  let at = 0;
  const skip = (): void => {
    while (/\s/.test(source[at] ?? '')) at++;
  };
  const expect = (char: string): void => {
    skip();
    if (source[at] !== char) throw new Error(`Expected "${char}" at ${at} in ${source}`);
    at++;
  };
  const expression = (): Node => {
    skip();
    let node: Node;
    const char = source[at];
    if (char === "'") {
      let text = '';
      at++;
      for (;;) {
        if (at >= source.length) throw new Error(`Unterminated string in ${source}`);
        if (source[at] === "'") {
          if (source[at + 1] === "'") {
            text += "'";
            at += 2;
            continue;
          }
          at++;
          break;
        }
        text += source[at++];
      }
      node = { kind: 'literal', value: text };
    } else if (/[-\d]/.test(char ?? '')) {
      const match = /^-?\d+(\.\d+)?/.exec(source.slice(at))!;
      at += match[0].length;
      node = { kind: 'literal', value: Number(match[0]) };
    } else {
      const match = /^[A-Za-z_][\w.]*/.exec(source.slice(at));
      if (match === null) throw new Error(`Unexpected "${char}" at ${at} in ${source}`);
      at += match[0].length;
      const name = match[0];
      skip();
      if (source[at] !== '(') {
        if (name === 'true' || name === 'false') node = { kind: 'literal', value: name === 'true' };
        else if (name === 'null') node = { kind: 'literal', value: null };
        else throw new Error(`Bare identifier ${name} in ${source}`);
      } else {
        at++;
        const args: Node[] = [];
        skip();
        if (source[at] === ')') at++;
        else {
          for (;;) {
            args.push(expression());
            skip();
            if (source[at] === ',') {
              at++;
              continue;
            }
            expect(')');
            break;
          }
        }
        node = { kind: 'call', name: name.toLowerCase(), args };
      }
    }
    for (;;) {
      skip();
      if (source[at] === '.') {
        at++;
        const match = /^[\w$#]+/.exec(source.slice(at))!;
        at += match[0].length;
        node = { kind: 'member', target: node, property: match[0] };
      } else if (source[at] === '[') {
        at++;
        const index = expression();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  };
  const node = expression();
  skip();
  if (at !== source.length) throw new Error(`Trailing text at ${at} in ${source}`);
  return node;
}

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** One template (main or a module's nested one) with its parameter values. */
export class TemplateScope {
  private variables = new Map<string, unknown>();
  private index: number | undefined;

  constructor(
    readonly template: ArmTemplate,
    private readonly parameters: Record<string, unknown>,
    private readonly resourceGroup = 'rg',
  ) {}

  /** The same scope inside iteration `index` of a copy loop (`copyIndex()`). */
  atCopy(index: number): TemplateScope {
    const copy = new TemplateScope(this.template, this.parameters, this.resourceGroup);
    copy.variables = this.variables;
    copy.index = index;
    return copy;
  }

  /** Each deployed instance of a resource: one, or one per iteration of its copy loop. */
  instances(resource: ArmResource): TemplateScope[] {
    const copy = resource.copy as { count: Json } | undefined;
    const scopes =
      copy === undefined
        ? [this as TemplateScope]
        : Array.from({ length: this.value(copy.count) as number }, (_v, i) => this.atCopy(i));
    return scopes.filter((scope) => scope.deployed(resource));
  }

  /** A scope for the main template, parameters not given taking their defaults. */
  static main(template: ArmTemplate, given: Record<string, Json>): TemplateScope {
    return new TemplateScope(template, given);
  }

  parameter(name: string): unknown {
    if (name in this.parameters) return this.parameters[name];
    const declared = this.template.parameters?.[name];
    if (declared === undefined) throw new Error(`Unknown parameter ${name}`);
    if (declared.defaultValue === undefined) throw new Error(`Parameter ${name} has no value`);
    return this.value(declared.defaultValue);
  }

  variable(name: string): unknown {
    if (!this.variables.has(name)) {
      const raw = this.template.variables?.[name];
      if (raw === undefined) throw new Error(`Unknown variable ${name}`);
      this.variables.set(name, this.value(raw));
    }
    return this.variables.get(name);
  }

  /** A template value: objects and arrays walked, `[...]` strings evaluated. */
  value(raw: Json | undefined): unknown {
    if (typeof raw === 'string') {
      if (raw.startsWith('[[')) return raw.slice(1);
      if (raw.startsWith('[') && raw.endsWith(']')) return this.evaluate(parse(raw.slice(1, -1)));
      return raw;
    }
    if (Array.isArray(raw)) return raw.map((item) => this.value(item));
    if (raw !== null && typeof raw === 'object') {
      return Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [String(this.value(k)), this.value(v)]),
      );
    }
    return raw;
  }

  /** Whether a resource or module is deployed with these parameters. */
  deployed(resource: ArmResource): boolean {
    return resource.condition === undefined || this.value(resource.condition) === true;
  }

  /** A module (nested deployment) by its deployment name. */
  module(name: string): TemplateScope {
    const resource = resourcesOf(this.template).find(
      (r) => r.type === 'Microsoft.Resources/deployments' && this.value(r.name) === name,
    );
    if (resource === undefined) throw new Error(`No module ${name}`);
    const properties = resource.properties as {
      template: ArmTemplate;
      // Each entry is `{ value }`, or an expression that yields one (a conditional value).
      parameters?: Record<string, Json>;
    };
    const parameters = Object.fromEntries(
      Object.entries(properties.parameters ?? {}).map(([k, v]) => [
        k,
        (this.value(v) as { value: unknown }).value,
      ]),
    );
    return new TemplateScope(properties.template, parameters, this.resourceGroup);
  }

  output(name: string): unknown {
    const output = this.template.outputs?.[name];
    if (output === undefined) throw new Error(`No output ${name}`);
    return this.value(output.value);
  }

  private resourceId(args: unknown[]): string {
    const parts = args.map(String);
    const typeAt = parts.findIndex((part) => part.includes('/') && !part.startsWith('/'));
    const type = parts[typeAt] ?? 'unknown/type';
    const names = parts.slice(typeAt + 1);
    const segments = type.split('/');
    let id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${this.resourceGroup}/providers/${segments[0]}/${segments[1]}/${names[0]}`;
    segments.slice(2).forEach((segment, i) => (id += `/${segment}/${names[i + 1]}`));
    return id;
  }

  private reference(id: string): unknown {
    const deployment = /providers\/Microsoft\.Resources\/deployments\/([^/]+)$/.exec(id);
    if (deployment !== null) {
      const module = this.module(deployment[1]!);
      return {
        outputs: new Proxy(
          {},
          {
            get: (_t, key) => (typeof key === 'string' ? { value: module.output(key) } : undefined),
          },
        ),
      };
    }
    return runtime(id.split('/').slice(-1)[0]!);
  }

  private evaluate(node: Node): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'member': {
        const target = this.evaluate(node.target) as Record<string, unknown>;
        if (target === undefined || target === null)
          throw new Error(`.${node.property} of nothing`);
        return target[node.property];
      }
      case 'index': {
        const target = this.evaluate(node.target) as Record<string, unknown>;
        return target[String(this.evaluate(node.index))];
      }
      case 'call':
        return this.call(node.name, node.args);
    }
  }

  private call(name: string, nodes: Node[]): unknown {
    // Lazy: only the branch taken is evaluated, as ARM does for references.
    if (name === 'if') {
      return this.evaluate(this.evaluate(nodes[0]!) === true ? nodes[1]! : nodes[2]!);
    }
    const args = nodes.map((node) => this.evaluate(node));
    const text = (i: number): string => String(args[i]);
    switch (name) {
      case 'parameters':
        return this.parameter(text(0));
      case 'copyindex':
        if (this.index === undefined) throw new Error('copyIndex() outside a copy loop');
        return this.index + ((args[0] as number | undefined) ?? 0);
      case 'variables':
        return this.variable(text(0));
      case 'reference':
        return this.reference(text(0));
      case 'resourceid':
      case 'extensionresourceid':
      case 'subscriptionresourceid':
        return this.resourceId(name === 'extensionresourceid' ? args.slice(1) : args);
      case 'subscription':
        return {
          id: `/subscriptions/${SUBSCRIPTION}`,
          subscriptionId: SUBSCRIPTION,
          tenantId: 'tenant',
        };
      case 'tenant':
        return { tenantId: 'tenant' };
      case 'resourcegroup':
        return {
          name: this.resourceGroup,
          location: 'westeurope',
          id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${this.resourceGroup}`,
        };
      case 'deployment':
        return { name: 'main' };
      case 'environment':
        return { suffixes: { storage: 'core.windows.net' } };
      case 'format':
        return text(0).replace(/\{(\d+)(:[^}]*)?\}/g, (_m, i: string) =>
          String(args[Number(i) + 1]),
        );
      case 'string':
        return typeof args[0] === 'object' && !isRuntime(args[0])
          ? JSON.stringify(args[0])
          : text(0);
      case 'concat':
        return Array.isArray(args[0]) ? (args as unknown[][]).flat() : args.map(String).join('');
      case 'union':
        return Object.assign({}, ...(args as object[]));
      case 'createobject': {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < args.length; i += 2) object[String(args[i])] = args[i + 1];
        return object;
      }
      case 'createarray':
        return args;
      case 'equals':
        return args[0] === args[1];
      case 'not':
        return args[0] !== true;
      case 'and':
        return args.every((arg) => arg === true);
      case 'or':
        return args.some((arg) => arg === true);
      case 'greater':
        return (args[0] as number) > (args[1] as number);
      case 'less':
        return (args[0] as number) < (args[1] as number);
      case 'empty':
        return (
          args[0] === '' ||
          args[0] === null ||
          (Array.isArray(args[0]) && args[0].length === 0) ||
          (typeof args[0] === 'object' && !isRuntime(args[0]) && Object.keys(args[0]).length === 0)
        );
      case 'length':
        return (args[0] as unknown[] | string).length;
      case 'join':
        return (args[0] as unknown[]).map(String).join(text(1));
      case 'take':
        return typeof args[0] === 'string'
          ? args[0].slice(0, args[1] as number)
          : (args[0] as unknown[]).slice(0, args[1] as number);
      case 'tolower':
        return text(0).toLowerCase();
      case 'uniquestring':
        return createHash('sha256').update(args.map(String).join('|')).digest('hex').slice(0, 13);
      case 'guid': {
        const hex = createHash('sha256').update(args.map(String).join('|')).digest('hex');
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
      }
      case 'trysget':
      case 'tryget':
        return (args[0] as Record<string, unknown> | undefined)?.[text(1)];
      case 'coalesce':
        return args.find((arg) => arg !== null && arg !== undefined);
      default:
        throw new Error(`The evaluator does not know the ARM function ${name}()`);
    }
  }
}

/** Values of the app settings, strings as Azure would store them (placeholders for runtime values). */
export function settingsAsStrings(settings: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
}
