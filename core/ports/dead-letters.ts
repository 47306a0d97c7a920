/** One message of a dead-letter queue: its body as sent, and what deleting it takes. */
export interface DeadLetter {
  /** The queue's message ID: a message SQS delivers twice keeps it, so its records can be told apart. */
  messageId: string;
  receiptHandle: string;
  body: string;
}

/**
 * The detector's dead-letter queue (Lambda's on-failure destination for the alarm events it failed on
 * after every retry). Read, then deleted only once what it holds is in the audit trail.
 */
export interface DeadLetterPort {
  receive(max: number): Promise<DeadLetter[]>;
  remove(letter: DeadLetter): Promise<void>;
}
