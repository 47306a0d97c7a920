import { createInterface } from "node:readline/promises";
import type { RegionClients } from "../adapters/aws/region-clients.js";
import { type Clock, systemClock } from "../core/clock.js";
import { recordingCalls } from "./aws-call-context.js";
import { type CliAws, type CliAwsSettings, realCliAws } from "./cli-aws.js";

export type Environment = Record<string, string | undefined>;

/** What a command may know about the terminal it runs in. */
export interface Terminal {
  /** stdout is a terminal: redraw in place, colour (unless NO_COLOR). Piped output gets plain lines. */
  stdoutIsTTY: boolean;
  /** stdin is a terminal: a person can answer a confirmation. */
  stdinIsTTY: boolean;
  /** Asks on stderr and reads one line from stdin. */
  ask(question: string): Promise<string>;
}

/** Where a command writes, and how it reports its exit status: injected, so tests run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  /** AWS for the operational commands; absent means the real AWS with the machine's credentials. */
  aws?: CliAws;
  /** Time for commands that wait (`--wait`, `watch`); tests pass the sandbox's virtual clock. */
  clock?: Clock;
  /** KIRIKAE_STAGE, KIRIKAE_REGION, AWS_PROFILE, NO_COLOR...; absent means process.env. */
  env?: Environment;
  /** Absent means neither stdout nor stdin is a terminal, as when a script or a test runs the CLI. */
  terminal?: Terminal;
  /** How often commands that follow a run read its history; tests make it short. */
  pollIntervalMs?: number;
  /** Overrides for the real AWS clients (timeouts; a local endpoint in tests). */
  awsSettings?: Partial<CliAwsSettings>;
  /** The profile `--profile` named, set once the command line is parsed (cli/run-cli.ts). */
  profile?: string;
}

export const DEFAULT_POLL_INTERVAL_MS = 5_000;

export function clockOf(io: CliIo): Clock {
  return io.clock ?? systemClock;
}

export function envOf(io: CliIo): Environment {
  return io.env ?? process.env;
}

/** The profile in use: --profile, else AWS_PROFILE, as the AWS CLI chooses it. */
export function profileOf(io: CliIo): string | undefined {
  return io.profile ?? (envOf(io).AWS_PROFILE || undefined);
}

/**
 * The AWS a command talks to, with every client remembering which call failed where, so a failure can
 * be told in words (cli/aws-call-context.ts).
 */
export function awsOf(io: CliIo): CliAws {
  const profile = profileOf(io);
  const aws = io.aws ?? realCliAws({ ...io.awsSettings, ...(profile ? { profile } : {}) });
  // Clients are built on first use, so each is made to record its calls the first time it is handed out.
  const recorded = new WeakSet<object>();
  const remember = <C extends object>(client: C): C => {
    if (recorded.has(client)) return client;
    recorded.add(client);
    if ("middlewareStack" in client) recordingCalls(client as C & Parameters<typeof recordingCalls>[0]);
    return client;
  };
  const remembering = (clients: RegionClients): RegionClients => ({
    get: (Client) => remember(clients.get(Client)),
  });
  return {
    ...aws,
    clients: {
      forRegion: (region) => remembering(aws.clients.forRegion(region)),
      probe: (region) => remembering(aws.clients.probe(region)),
      recoveryCluster: (endpoint, Client) => remember(aws.clients.recoveryCluster(endpoint, Client)),
    },
    documents: (region) => recordingCalls(aws.documents(region), { region }),
  };
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  terminal: {
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    ask: async (question) => {
      // On stderr, so a `--json` document on stdout stays the only thing there.
      const reader = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await reader.question(question);
      } finally {
        reader.close();
      }
    },
  },
};
