import { describe, expect, it } from "vitest";
import { DomainError } from "../../../src/core/errors";
import { getTemplate, residentIdCheckCharacter, residentIdProblem, validateTemplateValues, type DocumentTemplate, type TemplateValueIssue } from "../../../src/core/templates";
import { sampleValues, VALID_ID } from "./support";

/** The issues of the VALIDATION_FAILED error `run` throws. */
function issuesOf(run: () => unknown): TemplateValueIssue[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("VALIDATION_FAILED");
    expect((err as DomainError).status).toBe(400);
    return (err as DomainError).details!.issues as TemplateValueIssue[];
  }
  throw new Error("expected VALIDATION_FAILED");
}

function paths(issues: TemplateValueIssue[]): string[] {
  return issues.map((i) => i.path);
}

describe("resident ID numbers", () => {
  it("computes the ISO 7064 MOD 11-2 check character", () => {
    expect(residentIdCheckCharacter("11010519491231002")).toBe("X");
    expect(residentIdCheckCharacter("44052418800101001")).toBe("4");
    expect(residentIdProblem(VALID_ID)).toBeUndefined();
    // The example number of GB 11643-1999 itself.
    expect(residentIdProblem("440524188001010014")).toBeUndefined();
  });

  it("refuses a wrong check character, length, region or birth date", () => {
    expect(residentIdProblem("110105194912310021")).toMatch(/check character/);
    expect(residentIdProblem("11010519491231002")).toMatch(/18 characters/);
    expect(residentIdProblem("99010519491231002X")).toMatch(/region/);
    expect(residentIdProblem(`11010519490231${"002"}${residentIdCheckCharacter("11010519490231002")}`)).toMatch(/date of birth/);
  });
});

describe("validateTemplateValues", () => {
  it("returns clean values: trimmed, ID upper-case, numbers from text, empty optional fields left out", async () => {
    const t = await getTemplate("non-compete");
    const clean = validateTemplateValues(t, {
      ...sampleValues["non-compete"],
      employeeName: "  张三 ",
      idNumber: "11010519491231002x",
      restrictionMonths: "12",
      monthlyCompensation: "8500.50",
      competitors: "   ",
    });
    expect(clean.employeeName).toBe("张三");
    expect(clean.idNumber).toBe(VALID_ID);
    expect(clean.restrictionMonths).toBe(12);
    expect(clean.monthlyCompensation).toBe(8500.5);
    expect("competitors" in clean).toBe(false);
    expect(Object.isFrozen(clean)).toBe(true);
  });

  it("accepts every sample as it is, and accepts its own output again", async () => {
    for (const [id, values] of Object.entries(sampleValues)) {
      const t = await getTemplate(id);
      const clean = validateTemplateValues(t, values);
      expect(validateTemplateValues(t, { ...clean })).toEqual(clean);
    }
  });

  it("names each missing required field", async () => {
    const t = await getTemplate("ip-declaration");
    const { employeeName: _n, idNumber: _i, ...rest } = sampleValues["ip-declaration"]!;
    const issues = issuesOf(() => validateTemplateValues(t, { ...rest, position: "" }));
    expect(paths(issues).sort()).toEqual(["employeeName", "idNumber", "position"]);
    expect(issues.find((i) => i.path === "employeeName")!.message).toMatch(/声明人姓名 \(Name of declarant\) is required/);
  });

  it("refuses a resident ID number with a wrong check character", async () => {
    const t = await getTemplate("ip-declaration");
    const issues = issuesOf(() => validateTemplateValues(t, { ...sampleValues["ip-declaration"], idNumber: "110105194912310021" }));
    expect(issues).toEqual([{ path: "idNumber", message: expect.stringMatching(/check character/) }]);
  });

  it("refuses dates that are not YYYY-MM-DD or not on the calendar", async () => {
    const t = await getTemplate("ip-declaration");
    for (const [startDate, message] of [
      ["2026/12/01", /YYYY-MM-DD/],
      ["2026-02-30", /not a real calendar date/],
      ["1 December 2026", /YYYY-MM-DD/],
    ] as const) {
      const issues = issuesOf(() => validateTemplateValues(t, { ...sampleValues["ip-declaration"], startDate }));
      expect(issues).toEqual([{ path: "startDate", message: expect.stringMatching(message) }]);
    }
  });

  it("refuses fields the template does not declare", async () => {
    const t = await getTemplate("policy-acknowledgement");
    const issues = issuesOf(() => validateTemplateValues(t, { ...sampleValues["policy-acknowledgement"], salary: 1, "organisation.name": "x" }));
    expect(paths(issues).sort()).toEqual(["organisation.name", "salary"]);
    expect(issues[0]!.message).toMatch(/not a field of template policy-acknowledgement revision 1/);
  });

  it("enforces lengths, single lines, number ranges and date order", async () => {
    const nonCompete = await getTemplate("non-compete");
    const issues = issuesOf(() =>
      validateTemplateValues(nonCompete, {
        ...sampleValues["non-compete"],
        employeeName: "张".repeat(51),
        position: "工程师\n经理",
        restrictionMonths: 25,
        monthlyCompensation: "一万",
        liquidatedDamages: 0.001,
      }),
    );
    expect(Object.fromEntries(issues.map((i) => [i.path, i.message]))).toEqual({
      employeeName: expect.stringMatching(/at most 50 characters/),
      position: expect.stringMatching(/single line/),
      restrictionMonths: expect.stringMatching(/at most 24/),
      monthlyCompensation: expect.stringMatching(/must be a number/),
      liquidatedDamages: expect.stringMatching(/two decimal places/),
    });
    expect(paths(issuesOf(() => validateTemplateValues(nonCompete, { ...sampleValues["non-compete"], restrictionMonths: 6.5 })))).toEqual(["restrictionMonths"]);

    const exit = await getTemplate("exit-ip-agreement");
    const order = issuesOf(() => validateTemplateValues(exit, { ...sampleValues["exit-ip-agreement"], leavingDate: "2019-12-31" }));
    expect(order).toEqual([{ path: "leavingDate", message: expect.stringMatching(/may not be before 入职日期/) }]);
  });

  it("refuses values of the wrong kind and control characters", async () => {
    const t: DocumentTemplate = await getTemplate("policy-acknowledgement");
    const issues = issuesOf(() => validateTemplateValues(t, { ...sampleValues["policy-acknowledgement"], policyTitle: 42, department: "研发\u0000部" }));
    expect(Object.fromEntries(issues.map((i) => [i.path, i.message]))).toEqual({
      policyTitle: expect.stringMatching(/must be text/),
      department: expect.stringMatching(/control characters/),
    });
  });
});
