import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { formatGateJUnit, xmlEscape } from "./junit.js";
import { buildReport } from "./report.js";
import { sampleGate } from "./testing.js";

type Node = Record<string, unknown>;
const asList = (x: unknown): Node[] => (x === undefined ? [] : Array.isArray(x) ? (x as Node[]) : [x as Node]);

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml) as Node;
}

describe("the gate as JUnit XML", () => {
  it("has testsuites > testsuite > testcase, a testcase per policy x SLO, counts that add up", () => {
    const { scenario, results } = sampleGate();
    const doc = parse(formatGateJUnit(buildReport([scenario], results, { judge: "bound", interrupted: false })));
    const suites = doc.testsuites as Node;
    expect(suites).toMatchObject({ "@name": "fleet gate", "@tests": "6", "@failures": "3", "@errors": "0" });
    const suite = asList(suites.testsuite)[0];
    expect(suite).toMatchObject({ "@name": "x", "@tests": "6", "@failures": "3", "@errors": "0", "@file": "scenarios/x.yaml" });
    const cases = asList(suite.testcase);
    expect(cases.map((c) => [c["@classname"], c["@name"], c.failure !== undefined])).toEqual([
      ["x.naive", "mean(training.goodput) >= 0.9", true],
      ["x.naive", "mean(training.silentEscapes) == 0", true],
      ["x.naive", "P(training.goodput >= 0.9) >= 50%", true],
      ["x.hardened", "mean(training.goodput) >= 0.9", false],
      ["x.hardened", "mean(training.silentEscapes) == 0", false],
      ["x.hardened", "P(training.goodput >= 0.9) >= 50%", false],
    ]);
  });

  it("puts the numbers in the failure message: value, interval, method, threshold, seeds", () => {
    const { scenario, results } = sampleGate();
    const doc = parse(formatGateJUnit(buildReport([scenario], results, { judge: "bound", interrupted: false })));
    const first = asList((asList((doc.testsuites as Node).testsuite)[0] as Node).testcase)[0];
    const failure = first.failure as Node;
    expect(failure["@type"]).toBe("SLOBreach");
    expect(failure["@message"]).toMatch(
      /^mean 0\.8, 95% CI \[0\.7018, 0\.8982\] \(Student-t 95% interval of the mean, cut at the metric's range\), judged on its lower end 0\.7018, must be >= 0\.9; training\.goodput >= 0\.9 fails in 4 of 5 seeds$/,
    );
  });

  it("stays well-formed whatever a message holds, with an error testcase per failed run", () => {
    const { scenario, results } = sampleGate({ failSeed: 2, name: 'we<ird> & "name"' });
    const xml = formatGateJUnit(buildReport([scenario], results, { judge: "bound", interrupted: false }));
    const suite = asList((parse(xml).testsuites as Node).testsuite)[0];
    expect(suite["@name"]).toBe('we<ird> & "name"');
    expect(suite["@errors"]).toBe("1");
    const error = asList(suite.testcase).find((c) => c.error !== undefined)!;
    expect(error["@name"]).toBe("seed 2");
    expect((error.error as Node)["@message"]).toBe('run failed: internal error: <boom> & "quotes"');
  });

  it("says when the gate was interrupted", () => {
    const { scenario, results } = sampleGate({ drop: [4, 5] });
    const suite = asList((parse(formatGateJUnit(buildReport([scenario], results, { judge: "bound", interrupted: true }))).testsuites as Node).testsuite)[0];
    const props = asList((suite.properties as Node).property);
    expect(props.find((p) => p["@name"] === "partial")?.["@value"]).toBe("true");
    const cut = asList(suite.testcase).find((c) => c["@name"] === "every seed finished")!;
    expect((cut.error as Node)["@message"]).toBe("interrupted: 3 of 5 runs finished; the judgments rest on the 3 that completed");
  });

  it("escapes markup and replaces characters XML forbids", () => {
    expect(xmlEscape(`a<b>&"c'\n\u0001`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;&#10;\uFFFD");
    expect(XMLValidator.validate(`<a b="${xmlEscape("\u0000\u001b[31m ✓ 😀")}"/>`)).toBe(true);
  });
});
