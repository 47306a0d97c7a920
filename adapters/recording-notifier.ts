import type { NotifierPort } from "../core/ports/workflows.js";

export interface Notification {
  subject: string;
  message: string;
  details: Record<string, unknown>;
}

/** Keeps notifications in memory: what the sandbox drill shows instead of sending them. */
export class RecordingNotifier implements NotifierPort {
  readonly sent: Notification[] = [];

  async notify(subject: string, message: string, details: Record<string, unknown>): Promise<void> {
    this.sent.push({ subject, message, details });
  }
}
