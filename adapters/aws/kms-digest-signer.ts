import { GetPublicKeyCommand, KMSClient, SignCommand } from "@aws-sdk/client-kms";
import type { DigestSignerPort } from "../../core/ports/digests.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Signs digests with the control plane's asymmetric KMS key (RSA_2048, SIGN_VERIFY), whose private half
 * never leaves KMS (KMS API reference, "Sign"): MessageType RAW, so KMS hashes the canonical bytes itself
 * with SHA-256 (a digest is far under Sign's 4,096-byte message limit), RSASSA_PSS_SHA_256. The public half
 * is exported with GetPublicKey (a DER-encoded X.509 SubjectPublicKeyInfo), as PEM, for offline checks.
 */
export class KmsDigestSigner implements DigestSignerPort {
  constructor(
    private readonly clients: ClientProvider,
    /** The region of the key: the control plane's own, never another one. */
    private readonly region: string,
    /** The key's ID, ARN or alias (alias/kirikae-<stage>-digests). */
    private readonly keyId: string,
  ) {}

  async sign(message: Uint8Array) {
    const output = await callAws({ action: "kms:Sign", resource: this.keyId }, () =>
      this.clients
        .forRegion(this.region)
        .get(KMSClient)
        .send(
          new SignCommand({
            KeyId: this.keyId,
            Message: message,
            MessageType: "RAW",
            SigningAlgorithm: "RSASSA_PSS_SHA_256",
          }),
        ),
    );
    if (!output.Signature) throw new Error(`kms:Sign on ${this.keyId} returned no signature`);
    return {
      requestId: requestIdOf(output),
      signature: Buffer.from(output.Signature).toString("base64"),
      // The key's ARN, whatever alias it was called by: what an auditor matches the public key to.
      keyId: output.KeyId ?? this.keyId,
    };
  }

  async publicKey(): Promise<string> {
    const output = await callAws({ action: "kms:GetPublicKey", resource: this.keyId }, () =>
      this.clients
        .forRegion(this.region)
        .get(KMSClient)
        .send(new GetPublicKeyCommand({ KeyId: this.keyId })),
    );
    if (!output.PublicKey) throw new Error(`kms:GetPublicKey on ${this.keyId} returned no key`);
    return spkiPem(output.PublicKey);
  }
}

/** DER SubjectPublicKeyInfo to PEM ("PUBLIC KEY"), as node:crypto and openssl read it. */
export function spkiPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}
