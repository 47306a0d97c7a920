import { constants, createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";
import { InvalidKeyUsageException, NotFoundException } from "@aws-sdk/client-kms";
import { serviceError } from "../estate.js";
import { errorMetadata, type SandboxCall, type ServiceModel, type TrailResource } from "../service-model.js";

export interface KmsSeed {
  /** One asymmetric signing key per entry, made at construction; its alias is how functions name it. */
  keys: Array<{ region: string; account: string; alias: string }>;
}

interface SigningKey {
  keyId: string;
  arn: string;
  region: string;
  aliases: string[];
  pair?: { privateKey: KeyObject; publicKeyDer: Uint8Array };
}

/** Sign's message limit (KMS API reference, "Sign": "Messages can be 0-4096 bytes"). */
const MAX_MESSAGE_BYTES = 4096;
const SIGNING_ALGORITHMS = ["RSASSA_PSS_SHA_256"] as const;

/**
 * Just enough KMS for signed audit digests, with real signatures: each key is an RSA 2048 pair made with
 * node:crypto (on first use), the private half kept here as KMS keeps it inside its HSMs. Follows the KMS API reference:
 *   - Sign (KeyId as key ID, key ARN, alias name or alias ARN; MessageType RAW hashes the message with
 *     SHA-256; at most 4,096 bytes) answers KeyId as the key's ARN, the Signature bytes and the algorithm.
 *     RSASSA_PSS_SHA_256 is PSS with SHA-256 for the digest and MGF1, and a 256-bit salt (KMS developer
 *     guide, "Key spec reference": RSA key specs for signing and verification).
 *   - GetPublicKey answers the public key as a DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280).
 * A key lives in one region: called through another region's endpoint, it is NotFoundException.
 * Both are read-only in CloudTrail's sense here: they change nothing, so they leave no management event
 * that the evidence linker would look for.
 */
export class KmsModel implements ServiceModel {
  readonly service = "kms" as const;
  readonly eventSource = "kms.amazonaws.com";
  private readonly keys: SigningKey[] = [];

  constructor(seed: KmsSeed) {
    for (const entry of seed.keys) {
      const keyId = randomUUID();
      this.keys.push({
        keyId,
        arn: `arn:aws:kms:${entry.region}:${entry.account}:key/${keyId}`,
        region: entry.region,
        aliases: [entry.alias, `arn:aws:kms:${entry.region}:${entry.account}:${entry.alias}`],
      });
    }
  }

  isMutating(): boolean {
    return false;
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const key = this.find(call.region, String(call.input.KeyId ?? ""));
    return key ? [{ ResourceType: "AWS::KMS::Key", ResourceName: key.arn }] : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "Sign":
        return this.sign(call);
      case "GetPublicKey":
        return this.getPublicKey(call);
      default:
        throw new Error(`the sandbox does not model kms:${call.operation}`);
    }
  }

  /** A key as KMS resolves a KeyId in a region (key ID, key ARN, alias name or alias ARN), with its aliases. */
  key(region: string, keyId: string): { arn: string; aliases: readonly string[] } | undefined {
    const key = this.find(region, keyId);
    return key ? { arn: key.arn, aliases: [...key.aliases] } : undefined;
  }

  /** The public key of a region's key as PEM, what an auditor is handed (and the drill's export). */
  publicKeyPem(region: string, keyId: string): string {
    const key = this.find(region, keyId);
    if (!key) throw new Error(`the sandbox has no KMS key ${keyId} in ${region}`);
    const lines =
      Buffer.from(material(key).publicKeyDer)
        .toString("base64")
        .match(/.{1,64}/g) ?? [];
    return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
  }

  private sign(call: SandboxCall): Record<string, unknown> {
    const key = this.resolve(call);
    const algorithm = String(call.input.SigningAlgorithm ?? "");
    if (!(SIGNING_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new InvalidKeyUsageException({
        message: `Signing algorithm ${algorithm} is not supported by key ${key.arn}`,
        $metadata: errorMetadata(call),
      });
    }
    const message = toBytes(call.input.Message);
    const messageType = String(call.input.MessageType ?? "RAW");
    if (messageType !== "RAW") throw new Error(`the sandbox models kms:Sign with MessageType RAW only`);
    if (message.length > MAX_MESSAGE_BYTES) {
      throw serviceError(
        call,
        "ValidationException",
        `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${MAX_MESSAGE_BYTES}`,
        400,
      );
    }
    const signature = sign("sha256", message, {
      key: material(key).privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: createHash("sha256").digest().length,
    });
    return { KeyId: key.arn, Signature: new Uint8Array(signature), SigningAlgorithm: algorithm };
  }

  private getPublicKey(call: SandboxCall): Record<string, unknown> {
    const key = this.resolve(call);
    return {
      KeyId: key.arn,
      PublicKey: material(key).publicKeyDer,
      KeySpec: "RSA_2048",
      KeyUsage: "SIGN_VERIFY",
      SigningAlgorithms: [...SIGNING_ALGORITHMS],
    };
  }

  private resolve(call: SandboxCall): SigningKey {
    const id = String(call.input.KeyId ?? "");
    const key = this.find(call.region, id);
    if (!key) {
      throw new NotFoundException({
        message: `Key '${id}' does not exist in ${call.region}`,
        $metadata: errorMetadata(call),
      });
    }
    return key;
  }

  private find(region: string, id: string): SigningKey | undefined {
    return this.keys.find(
      (key) => key.region === region && (key.keyId === id || key.arn === id || key.aliases.includes(id)),
    );
  }
}

/**
 * The key pair, made on the key's first use: RSA key generation costs tens of milliseconds, and most
 * estates a test builds never sign anything. The key's identity (ID, ARN, aliases) exists from the start.
 */
function material(key: SigningKey): NonNullable<SigningKey["pair"]> {
  if (!key.pair) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    key.pair = {
      privateKey,
      publicKeyDer: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    };
  }
  return key.pair;
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return new TextEncoder().encode(value);
  return new Uint8Array();
}
