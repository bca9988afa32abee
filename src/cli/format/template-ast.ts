/** The parse tree of a Go text/template, shaped like text/template/parse's nodes. */

export interface TextNode { type: 'text'; pos: number; text: string }
export interface ActionNode { type: 'action'; pos: number; pipe: PipeNode }
export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | undefined;
}
export interface BreakNode { type: 'break' | 'continue'; pos: number }
export interface ListNode { type: 'list'; pos: number; nodes: Node[] }
export type Node = TextNode | ActionNode | ControlNode | BreakNode | ListNode;

export interface PipeNode {
  type: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode { type: 'command'; pos: number; args: Operand[] }
/** `.A.B`: ident is ['A', 'B']. */
export interface FieldNode { type: 'field'; pos: number; ident: string[] }
/** `$x.A`: ident is ['$x', 'A']. */
export interface VariableNode { type: 'variable'; pos: number; ident: string[] }
export interface IdentifierNode { type: 'identifier'; pos: number; name: string }
export interface DotNode { type: 'dot'; pos: number }
export interface NilNode { type: 'nil'; pos: number }
export interface BoolNode { type: 'bool'; pos: number; value: boolean }
/** A number or character constant; isInt when Go sees an integer value. */
export interface NumberNode { type: 'number'; pos: number; text: string; value: number; isInt: boolean }
export interface StringNode { type: 'string'; pos: number; quoted: string; text: string }
/** `(pipeline).A.B` */
export interface ChainNode { type: 'chain'; pos: number; node: Operand; field: string[] }
export type Operand =
  | FieldNode | VariableNode | IdentifierNode | DotNode | NilNode | BoolNode | NumberNode
  | StringNode | ChainNode | PipeNode;

export type AnyNode = Node | Operand | CommandNode;

/** The node written back as template text, as Go's String() methods do (for messages). */
export function nodeString(n: AnyNode): string {
  switch (n.type) {
    case 'text': return n.text;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'with':
    case 'range': {
      const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case 'break':
    case 'continue': return `{{${n.type}}}`;
    case 'list': return n.nodes.map(nodeString).join('');
    case 'pipe': {
      // Go writes ":=" for assignments too.
      const decl = n.decl.length > 0 ? `${n.decl.map(nodeString).join(', ')} := ` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field': return n.ident.map((id) => `.${id}`).join('');
    case 'variable': return n.ident.join('.');
    case 'identifier': return n.name;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'chain': {
      const base = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return base + n.field.map((f) => `.${f}`).join('');
    }
  }
}

/** Every field name read relative to dot (`.ID`, `.Labels.x` → ID, Labels), in order. */
export function fieldNames(root: AnyNode): string[] {
  const names = new Set<string>();
  const visit = (n: AnyNode | undefined): void => {
    if (!n) return;
    switch (n.type) {
      case 'field': names.add(n.ident[0]!); break;
      case 'action': visit(n.pipe); break;
      case 'if':
      case 'with':
      case 'range': visit(n.pipe); visit(n.list); visit(n.elseList); break;
      case 'list': n.nodes.forEach(visit); break;
      case 'pipe': n.cmds.forEach(visit); break;
      case 'command': n.args.forEach(visit); break;
      case 'chain': visit(n.node); break;
      default: break;
    }
  };
  visit(root);
  return [...names];
}
