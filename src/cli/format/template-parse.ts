/**
 * Go text/template's parser (text/template/parse): actions, pipelines, if/else if/with/
 * range/break/continue, variables, and Go's error messages ("template: NAME:LINE: …").
 * define/template/block are not supported and fail as unexpected keywords.
 */
import { InvalidArgumentError } from '../../define/errors.ts';
import {
  nodeString,
  type CommandNode, type ControlNode, type ListNode, type Node, type NumberNode, type Operand,
  type PipeNode, type StringNode, type VariableNode,
} from './template-ast.ts';
import { isKeyword, lex, type Item } from './template-lexer.ts';
import { parseCharConstant, parseNumber, unquote } from './template-literals.ts';

/** What itemList stopped at. */
interface Terminator { type: 'end' | 'else'; pos: number }

function itemString(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (item.type === 'error') return item.val;
  if (isKeyword(item.type)) return `<${item.val}>`;
  const quoted = JSON.stringify(item.val);
  return item.val.length > 10 ? `${JSON.stringify(item.val.slice(0, 10))}...` : quoted;
}

export function parse(name: string, text: string, hasFunction: (name: string) => boolean): ListNode {
  const items = lex(text);
  let index = 0;
  let line = 1;
  let vars = ['$'];
  let rangeDepth = 0;

  const fail = (message: string): never => {
    throw new InvalidArgumentError(`template: ${name}:${line}: ${message}`);
  };
  const next = (): Item => {
    const item = items[Math.min(index, items.length - 1)]!;
    index++;
    line = item.line;
    if (item.type === 'error') fail(item.val);
    return item;
  };
  const backup = (): void => {
    index--;
  };
  const peek = (): Item => {
    const item = next();
    backup();
    return item;
  };
  const nextNonSpace = (): Item => {
    let item = next();
    while (item.type === 'space') item = next();
    return item;
  };
  const peekNonSpace = (): Item => {
    const item = nextNonSpace();
    backup();
    return item;
  };
  const unexpected = (item: Item, context: string): never => fail(`unexpected ${itemString(item)} in ${context}`);
  const expect = (type: Item['type'], context: string): Item => {
    const item = nextNonSpace();
    if (item.type !== type) unexpected(item, context);
    return item;
  };

  const term = (): Operand | undefined => {
    const token = nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!hasFunction(token.val)) fail(`function ${JSON.stringify(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, name: token.val };
      case 'dot': return { type: 'dot', pos: token.pos };
      case 'nil': return { type: 'nil', pos: token.pos };
      case 'variable': return useVar(token.pos, token.val);
      case 'field': return { type: 'field', pos: token.pos, ident: token.val.slice(1).split('.') };
      case 'bool': return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'number':
      case 'charConstant': return numberNode(token);
      case 'leftParen': return pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString': return stringNode(token);
      default:
        backup();
        return undefined;
    }
  };

  const numberNode = (token: Item): NumberNode => {
    const parsed = token.type === 'charConstant' ? parseCharConstant(token.val) : parseNumber(token.val);
    if (typeof parsed === 'string') fail(parsed);
    const { value, isInt } = parsed as { value: number; isInt: boolean };
    return { type: 'number', pos: token.pos, text: token.val, value, isInt };
  };

  const stringNode = (token: Item): StringNode => {
    const text = unquote(token.val);
    if (text === undefined) fail('invalid syntax');
    return { type: 'string', pos: token.pos, quoted: token.val, text: text! };
  };

  const useVar = (pos: number, val: string): VariableNode => {
    const ident = val.split('.');
    if (!vars.includes(ident[0]!)) fail(`undefined variable ${JSON.stringify(ident[0])}`);
    return { type: 'variable', pos, ident };
  };

  const operand = (): Operand | undefined => {
    const node = term();
    if (!node || peek().type !== 'field') return node;
    const fields: string[] = [];
    const pos = peek().pos;
    while (peek().type === 'field') fields.push(...next().val.slice(1).split('.'));
    switch (node.type) {
      // Go keeps the position of the first chained field.
      case 'field': return { type: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable': return { type: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot': return fail(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default: return { type: 'chain', pos, node, field: fields };
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { type: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const arg = operand();
      if (arg) cmd.args.push(arg);
      const token = next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') backup();
      else if (token.type !== 'pipe') unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) fail('empty command');
    return cmd;
  };

  const pipeline = (context: string, end: 'rightDelim' | 'rightParen'): PipeNode => {
    const pipe: PipeNode = { type: 'pipe', pos: peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    declarations: while (peekNonSpace().type === 'variable') {
      const variableIndex = index;
      const v = nextNonSpace();
      const op = peekNonSpace();
      if (op.type === 'assign' || op.type === 'declare') {
        pipe.isAssign = op.type === 'assign';
        nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
      } else if (op.type === 'char' && op.val === ',') {
        nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const following = peekNonSpace().type;
          if (following === 'variable' || following === 'rightDelim' || following === 'rightParen') continue declarations;
          fail('range can only initialize variables');
        }
        fail(`too many declarations in ${context}`);
      } else {
        // "$x foo": the variable is an operand, not a declaration.
        index = variableIndex;
      }
      break;
    }
    for (;;) {
      const token = nextNonSpace();
      if (token.type === end) break;
      switch (token.type) {
        case 'bool': case 'charConstant': case 'dot': case 'field': case 'identifier': case 'number':
        case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(token, context);
      }
    }
    if (pipe.cmds.length === 0) fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.type)) {
        fail(`non executable command in pipeline stage ${i + 2}`);
      }
    });
    return pipe;
  };

  const itemList = (): [ListNode, Terminator] => {
    const list: ListNode = { type: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().type !== 'eof') {
      const n = textOrAction();
      if ('terminator' in n) return [list, n.terminator];
      list.nodes.push(n);
    }
    return fail('unexpected EOF');
  };

  const control = (type: ControlNode['type']): ControlNode => {
    const savedVars = vars.length;
    const pipe = pipeline(type, 'rightDelim');
    if (type === 'range') rangeDepth++;
    const [list, stop] = itemList();
    if (type === 'range') rangeDepth--;
    let elseList: ListNode | undefined;
    if (stop.type === 'else') {
      if (type === 'if' && peek().type === 'if') {
        // {{else if b}} is {{else}}{{if b}}…{{end}} sharing the outer {{end}}.
        next();
        elseList = { type: 'list', pos: stop.pos, nodes: [control('if')] };
      } else {
        let after: Terminator;
        [elseList, after] = itemList();
        if (after.type !== 'end') fail('expected end; found {{else}}');
      }
    }
    vars = vars.slice(0, savedVars);
    return { type, pos: pipe.pos, pipe, list, elseList };
  };

  const action = (): Node | { terminator: Terminator } => {
    const token = nextNonSpace();
    switch (token.type) {
      case 'break':
      case 'continue': {
        const close = nextNonSpace();
        if (close.type !== 'rightDelim') unexpected(close, `{{${token.type}}}`);
        if (rangeDepth === 0) fail(`{{${token.type}}} outside {{range}}`);
        return { type: token.type, pos: token.pos };
      }
      case 'else': {
        const peeked = peekNonSpace();
        if (peeked.type === 'if') return { terminator: { type: 'else', pos: peeked.pos } };
        return { terminator: { type: 'else', pos: expect('rightDelim', 'else').pos } };
      }
      case 'end': return { terminator: { type: 'end', pos: expect('rightDelim', 'end').pos } };
      case 'if':
      case 'range':
      case 'with': return control(token.type);
      default:
        backup();
        return { type: 'action', pos: peek().pos, pipe: pipeline('command', 'rightDelim') };
    }
  };

  const textOrAction = (): Node | { terminator: Terminator } => {
    const token = nextNonSpace();
    if (token.type === 'text') return { type: 'text', pos: token.pos, text: token.val };
    if (token.type === 'leftDelim') return action();
    return unexpected(token, 'input');
  };

  const root: ListNode = { type: 'list', pos: 0, nodes: [] };
  while (peek().type !== 'eof') {
    const n = textOrAction();
    if ('terminator' in n) fail(`unexpected {{${n.terminator.type}}}`);
    else root.nodes.push(n);
  }
  return root;
}
