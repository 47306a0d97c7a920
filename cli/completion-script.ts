import type { Command, Option } from "commander";

export const SHELLS = ["bash", "zsh"] as const;
export type Shell = (typeof SHELLS)[number];

/** What the shell may offer after one command path ("", "audit", "audit query"). */
interface CommandSpec {
  path: string;
  commands: string[];
  options: string[];
  /** Options that take a value, so the word after them is not a command. */
  valued: string[];
  /** Options whose value is a file or directory: complete paths after them. */
  paths: string[];
  /** The values an option (or, under "", the command's first argument) accepts. */
  choices: Record<string, string[]>;
}

const PATH_PLACEHOLDER = /<(path|file|dir)>/;

/**
 * The completion script for `shell`, generated from the program itself, so every command, option and
 * choice the CLI has is offered and nothing it lacks: no list to keep in step by hand.
 */
export function completionScript(program: Command, shell: Shell): string {
  const specs = commandSpecs(program, [], program.options);
  const name = program.name();
  const functions = specFunctions(name, specs);
  return shell === "bash" ? bashScript(name, functions) : zshScript(name, functions);
}

function commandSpecs(command: Command, path: string[], globals: readonly Option[]): CommandSpec[] {
  const options = [...globals, ...(path.length === 0 ? [] : command.options)].filter(
    (option) => !option.hidden,
  );
  const flags = (list: Option[]) => list.flatMap((option) => [option.long, option.short].filter(isString));
  const valued = options.filter((option) => option.required || option.optional);
  const choices: Record<string, string[]> = {};
  for (const option of valued) {
    if (option.argChoices && option.long) choices[option.long] = option.argChoices;
  }
  const argument = command.registeredArguments[0];
  if (argument?.argChoices) choices[""] = argument.argChoices;
  const subcommands = command.commands.filter((sub) => sub.name() !== "help");
  const spec: CommandSpec = {
    path: path.join(" "),
    commands: subcommands.map((sub) => sub.name()),
    options: [...flags(options), "--help"],
    valued: flags(valued),
    paths: flags(valued.filter((option) => PATH_PLACEHOLDER.test(option.flags))),
    choices,
  };
  return [spec, ...subcommands.flatMap((sub) => commandSpecs(sub, [...path, sub.name()], globals))];
}

function isString(value: string | undefined): value is string {
  return typeof value === "string";
}

/** Shell functions, valid in bash and zsh alike, answering from the specs: `case` over command paths. */
function specFunctions(name: string, specs: readonly CommandSpec[]): string {
  const lookup = (fn: string, pick: (spec: CommandSpec) => string[]) =>
    [
      `_${name}_${fn}() {`,
      '  case "$1" in',
      ...specs.map((spec) => `    "${spec.path}") echo "${pick(spec).join(" ")}" ;;`),
      "  esac",
      "}",
    ].join("\n");
  const choiceCases = specs.flatMap((spec) =>
    Object.entries(spec.choices).map(
      ([option, values]) => `    "${spec.path}|${option}") echo "${values.join(" ")}" ;;`,
    ),
  );
  return [
    lookup("commands", (spec) => spec.commands),
    lookup("options", (spec) => spec.options),
    lookup("valued", (spec) => spec.valued),
    lookup("paths", (spec) => spec.paths),
    [`_${name}_choices() {`, '  case "$1|$2" in', ...choiceCases, "  esac", "}"].join("\n"),
    // Walks the words typed so far: options and their values are skipped, command names extend the path.
    [
      `_${name}_path() {`,
      '  local kpath="" skip=0 word',
      '  for word in "$@"; do',
      "    if [[ $skip == 1 ]]; then skip=0; continue; fi",
      "    if [[ $word == -* ]]; then",
      `      [[ " $(_${name}_valued "$kpath") " == *" $word "* ]] && skip=1`,
      `    elif [[ " $(_${name}_commands "$kpath") " == *" $word "* ]]; then`,
      `      kpath="\${kpath:+$kpath }$word"`,
      "    fi",
      "  done",
      '  echo "$kpath"',
      "}",
    ].join("\n"),
  ].join("\n\n");
}

function bashScript(name: string, functions: string): string {
  return `# ${name} completion for bash. Load it in ~/.bashrc:
#   source <(${name} completion bash)

${functions}

_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local kpath choices
  kpath="$(_${name}_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  choices="$(_${name}_choices "$kpath" "$prev")"
  if [[ -n $choices ]]; then
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
  elif [[ " $(_${name}_paths "$kpath") " == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ " $(_${name}_valued "$kpath") " == *" $prev "* ]]; then
    COMPREPLY=()
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_${name}_options "$kpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_${name}_commands "$kpath") $(_${name}_choices "$kpath" "")" -- "$cur"))
  fi
}

complete -F _${name} ${name}
`;
}

function zshScript(name: string, functions: string): string {
  return `#compdef ${name}
# ${name} completion for zsh. Load it in ~/.zshrc, after compinit:
#   source <(${name} completion zsh)

${functions}

_${name}() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local kpath choices
  kpath="$(_${name}_path "\${(@)words[2,CURRENT-1]}")"
  choices="$(_${name}_choices "$kpath" "$prev")"
  if [[ -n $choices ]]; then
    compadd -- \${=choices}
  elif [[ " $(_${name}_paths "$kpath") " == *" $prev "* ]]; then
    _files
  elif [[ " $(_${name}_valued "$kpath") " == *" $prev "* ]]; then
    return 1
  elif [[ $cur == -* ]]; then
    compadd -- \${=$(_${name}_options "$kpath")}
  else
    compadd -- \${=$(_${name}_commands "$kpath")} \${=$(_${name}_choices "$kpath" "")}
  fi
}

compdef _${name} ${name}
`;
}
