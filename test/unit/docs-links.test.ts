import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const documents = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
];

/** Markdown outside fenced code blocks, where a `[text](target)` is text rather than a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** The relative links of a document: every `[text](target)` that is not a URL or a mail address. */
function relativeLinks(markdown: string): string[] {
  const links = [...prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(
    (match) => match[1] ?? "",
  );
  return links.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text = ""] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = text
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

describe("the documentation's links", () => {
  it.each(documents)("in %s all lead to a file that exists, and to a heading it has", (document) => {
    const markdown = readFileSync(join(root, document), "utf8");
    const broken: string[] = [];

    for (const target of relativeLinks(markdown)) {
      const [path = "", anchor] = target.split("#");
      const file = path === "" ? join(root, document) : resolve(dirname(join(root, document)), path);
      if (!existsSync(file)) {
        broken.push(`${target}: no ${relative(root, file)}`);
        continue;
      }
      if (anchor && file.endsWith(".md") && !anchors(readFileSync(file, "utf8")).has(anchor)) {
        broken.push(`${target}: no heading #${anchor} in ${relative(root, file)}`);
      }
    }

    expect(broken).toEqual([]);
  });

  it("finds the links it checks", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");

    const links = relativeLinks(readme);

    expect(links).toContain("docs/plan.md");
    expect(links).toContain("#quick-start");
    expect(anchors("## The deployer's IAM policy\n## Node.js version and installs")).toEqual(
      new Set(["the-deployers-iam-policy", "nodejs-version-and-installs"]),
    );
  });
});

describe("the README", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");

  it("stays under 15 KB, with the rest in docs/", () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15_000);
  });

  it("keeps the quick start's two commands, the ones CI runs", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test ");
  });

  it("puts Deploying before Operating", () => {
    expect(readme.indexOf("\n## Deploying")).toBeGreaterThan(0);
    expect(readme.indexOf("\n## Deploying")).toBeLessThan(readme.indexOf("\n## Operating"));
  });
});
