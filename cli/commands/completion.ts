import { Argument, Command } from "commander";
import type { CliIo } from "../cli-io.js";
import { completionScript, SHELLS, type Shell } from "../completion-script.js";

/** `kirikae completion bash|zsh`: the shell completion script, generated from the program itself. */
export function completionCommand(io: CliIo): Command {
  return new Command("completion")
    .description("print the shell completion script (source it from ~/.bashrc or ~/.zshrc)")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      "\nLoad it:\n  bash: source <(kirikae completion bash)     (in ~/.bashrc)\n  zsh:  source <(kirikae completion zsh)      (in ~/.zshrc, after compinit)\n",
    )
    .action((shell: Shell, _options: unknown, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      io.out(completionScript(root, shell));
    });
}
