/**
 * Runs a parsed template against JS data with Go text/template's semantics (exec.go):
 * fields, methods (function-valued fields are called), variables, pipelines, if/with/range
 * and Go's execution errors ("template: NAME:LINE:COL: executing "NAME" at <…>: …").
 */
import { InvalidArgumentError, errorMessage } from '../../define/errors.ts';
import { formatValue } from './go-fmt.ts';
import { goKind, goTypeName, isTrue, lookupField, sortedEntries } from './go-value.ts';
import {
  nodeString,
  type AnyNode, type ChainNode, type CommandNode, type ControlNode, type FieldNode, type IdentifierNode,
  type Node, type Operand, type PipeNode, type VariableNode,
} from './template-ast.ts';
import type { FuncMap, ParamType, TemplateFunc } from './template-funcs.ts';

/** No value came down the pipeline (Go's missingVal). */
const MISSING = Symbol('missing');

class BreakSignal {}
class ContinueSignal {}

/** How a method (a function-valued field) is called: any arguments, no checks. */
const methodSignature: ParamType[] = [];

export interface ExecOptions {
  name: string;
  /** The parsed text, to turn positions into line:column. */
  text: string;
  funcs: FuncMap;
  builtins: FuncMap;
}

export function execute(root: Node, data: unknown, opts: ExecOptions): string {
  const out: string[] = [];
  const vars: { name: string; value: unknown }[] = [{ name: '$', value: data }];
  let current: AnyNode | undefined;

  const at = (n: AnyNode): void => {
    current = n;
  };
  const errorf = (message: string): never => {
    if (!current) throw new InvalidArgumentError(`template: ${opts.name}: ${message}`);
    const before = opts.text.slice(0, current.pos);
    const lastNewline = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const column = lastNewline < 0 ? current.pos : current.pos - lastNewline - 1;
    throw new InvalidArgumentError(
      `template: ${opts.name}:${line}:${column}: executing "${opts.name}" at <${nodeString(current)}>: ${message}`,
    );
  };
  const varValue = (name: string): unknown => {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.name === name) return vars[i]!.value;
    return errorf(`undefined variable: ${name}`);
  };
  const setVar = (name: string, value: unknown): void => {
    for (let i = vars.length - 1; i >= 0; i--) {
      if (vars[i]!.name === name) {
        vars[i]!.value = value;
        return;
      }
    }
    errorf(`undefined variable: ${name}`);
  };
  const setTopVar = (n: number, value: unknown): void => {
    vars[vars.length - n]!.value = value;
  };

  const notAFunction = (args: Operand[], final: unknown): void => {
    if (args.length > 1 || final !== MISSING) errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  };

  const validateType = (value: unknown, type: ParamType): unknown => {
    if (value === undefined || value === null) {
      switch (type) {
        case 'value': return value;
        case 'any': return null;
        case 'strings': return [];
        case 'string':
        case 'int': return errorf(`invalid value; expected ${type}`);
      }
    }
    const wrongType = (expected: string): never => errorf(`wrong type for value; expected ${expected}; got ${goTypeName(value)}`);
    switch (type) {
      case 'string': return typeof value === 'string' ? value : wrongType('string');
      case 'int': return goKind(value) === 'int' ? Number(value) : wrongType('int');
      case 'strings':
        return Array.isArray(value) && value.every((e) => typeof e === 'string') ? value : wrongType('[]string');
      default: return value;
    }
  };

  const evalArg = (dot: unknown, type: ParamType, n: Operand): unknown => {
    at(n);
    switch (n.type) {
      case 'dot': return validateType(dot, type);
      case 'nil':
        if (type === 'string' || type === 'int') return errorf(`cannot assign nil to ${type}`);
        return type === 'strings' ? [] : null;
      case 'field': return validateType(evalFieldNode(dot, n, [n], MISSING), type);
      case 'variable': return validateType(evalVariableNode(dot, n, [], MISSING), type);
      case 'pipe': return validateType(evalPipeline(dot, n), type);
      case 'identifier': return validateType(evalFunction(dot, n, n, [], MISSING), type);
      case 'chain': return validateType(evalChainNode(dot, n, [], MISSING), type);
      default: break;
    }
    switch (type) {
      case 'string': return n.type === 'string' ? n.text : errorf(`expected string; found ${nodeString(n)}`);
      case 'int': return n.type === 'number' && n.isInt ? n.value : errorf(`expected integer; found ${nodeString(n)}`);
      case 'strings': return errorf(`can't handle ${nodeString(n)} for arg of type []string`);
      default: return n.type === 'string' ? n.text : n.value;
    }
  };

  const evalCall = (
    dot: unknown, fn: TemplateFunc, isBuiltin: boolean, node: AnyNode, name: string, args: Operand[], final: unknown,
  ): unknown => {
    const rest = args.slice(1);
    const numIn = rest.length + (final === MISSING ? 0 : 1);
    const { params, variadic } = fn;
    if (variadic !== undefined) {
      if (numIn < params.length) errorf(`wrong number of args for ${name}: want at least ${params.length} got ${rest.length}`);
    } else if (numIn !== params.length) {
      errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const arg of rest) {
        v = evalArg(dot, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final === MISSING ? v : final;
    }
    const paramAt = (i: number): ParamType => params[i] ?? variadic ?? 'any';
    const argv = rest.map((arg, i) => evalArg(dot, paramAt(i), arg));
    if (final !== MISSING) argv.push(validateType(final, paramAt(numIn - 1)));
    try {
      return fn.fn(...argv);
    } catch (err) {
      at(node);
      return errorf(`error calling ${name}: ${errorMessage(err)}`);
    }
  };

  const evalField = (
    dot: unknown, fieldName: string, node: AnyNode, args: Operand[], final: unknown, receiver: unknown,
  ): unknown => {
    if (receiver === undefined) return undefined;
    if (receiver === null) return errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const kind = goKind(receiver);
    if (kind !== 'map' && kind !== 'stringer') {
      return errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
    }
    const { value } = lookupField(receiver as object, fieldName);
    if (typeof value === 'function') {
      const method: TemplateFunc = {
        params: methodSignature,
        variadic: 'any',
        fn: (...a) => (value as (...x: unknown[]) => unknown).apply(receiver, a),
      };
      return evalCall(dot, method, false, node, fieldName, args, final);
    }
    if (args.length > 1 || final !== MISSING) errorf(`${fieldName} is not a method but has arguments`);
    return value;
  };

  const evalFieldChain = (
    dot: unknown, receiver: unknown, node: AnyNode, ident: string[], args: Operand[], final: unknown,
  ): unknown => {
    for (const name of ident.slice(0, -1)) receiver = evalField(dot, name, node, [], MISSING, receiver);
    return evalField(dot, ident.at(-1)!, node, args, final, receiver);
  };

  const evalFieldNode = (dot: unknown, field: FieldNode, args: Operand[], final: unknown): unknown => {
    at(field);
    return evalFieldChain(dot, dot, field, field.ident, args, final);
  };

  const evalChainNode = (dot: unknown, chain: ChainNode, args: Operand[], final: unknown): unknown => {
    at(chain);
    if (chain.node.type === 'nil') errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = evalArg(dot, 'value', chain.node);
    return evalFieldChain(dot, receiver, chain, chain.field, args, final);
  };

  const evalVariableNode = (dot: unknown, variable: VariableNode, args: Operand[], final: unknown): unknown => {
    at(variable);
    const value = varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      notAFunction(args, final);
      return value;
    }
    return evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  };

  const evalFunction = (dot: unknown, node: IdentifierNode, cmd: AnyNode, args: Operand[], final: unknown): unknown => {
    at(node);
    const name = node.name;
    const fn = Object.hasOwn(opts.funcs, name) ? opts.funcs[name] : opts.builtins[name];
    if (!fn) return errorf(`${JSON.stringify(name)} is not a defined function`);
    return evalCall(dot, fn, !Object.hasOwn(opts.funcs, name), cmd, name, args, final);
  };

  const evalCommand = (dot: unknown, cmd: CommandNode, final: unknown): unknown => {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field': return evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        notAFunction(cmd.args, final);
        return evalPipeline(dot, first);
      case 'variable': return evalVariableNode(dot, first, cmd.args, final);
      default: break;
    }
    at(first);
    notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return errorf('nil is not a command');
      case 'number': return first.value;
      case 'string': return first.text;
    }
  };

  const evalPipeline = (dot: unknown, pipe: PipeNode): unknown => {
    at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = evalCommand(dot, cmd, value);
      // A nil interface{} becomes "no value" between commands, as Go digs into interfaces.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) setVar(v.ident[0]!, value);
      else vars.push({ name: v.ident[0]!, value });
    }
    return value;
  };

  const walkIfOrWith = (dot: unknown, node: ControlNode): void => {
    const mark = vars.length;
    const value = evalPipeline(dot, node.pipe);
    if (isTrue(value)) walk(node.type === 'with' ? value : dot, node.list);
    else if (node.elseList) walk(dot, node.elseList);
    vars.length = mark;
  };

  const walkRange = (dot: unknown, node: ControlNode): void => {
    at(node);
    const outer = vars.length;
    const value = evalPipeline(dot, node.pipe);
    const mark = vars.length;
    const decls = node.pipe.decl.length;
    const iterate = (key: unknown, elem: unknown): void => {
      if (decls > 0) setTopVar(1, elem);
      if (decls > 1) setTopVar(2, key);
      try {
        walk(elem, node.list);
      } catch (signal) {
        if (!(signal instanceof ContinueSignal)) throw signal;
      } finally {
        vars.length = mark;
      }
    };
    let entries: [unknown, unknown][];
    switch (goKind(value)) {
      case 'slice': entries = (value as unknown[]).map((e, i) => [i, e]); break;
      case 'map': entries = sortedEntries(value as object); break;
      case 'invalid': entries = []; break;
      default: return errorf(`range can't iterate over ${formatValue(value)}`);
    }
    try {
      for (const [k, e] of entries) iterate(k, e);
    } catch (signal) {
      if (!(signal instanceof BreakSignal)) throw signal;
    }
    if (entries.length === 0 && node.elseList) walk(dot, node.elseList);
    vars.length = outer;
  };

  const walk = (dot: unknown, node: Node): void => {
    at(node);
    switch (node.type) {
      case 'action': {
        const value = evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          at(node);
          if (typeof value === 'function') errorf(`can't print ${nodeString(node)} of type func`);
          out.push(value === undefined || value === null ? '<no value>' : formatValue(value));
        }
        break;
      }
      case 'break': throw new BreakSignal();
      case 'continue': throw new ContinueSignal();
      case 'if':
      case 'with': walkIfOrWith(dot, node); break;
      case 'range': walkRange(dot, node); break;
      case 'list': for (const n of node.nodes) walk(dot, n); break;
      case 'text': out.push(node.text); break;
    }
  };

  // Nil data is no data: Go's Execute(nil) sees an invalid dot.
  const dot = data === null ? undefined : data;
  vars[0]!.value = dot;
  walk(dot, root);
  return out.join('');
}
