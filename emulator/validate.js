// Generic validation of a JSON document against a botocore shape: every constraint comes from the model.
// Errors are reported the way AWS restJson1 services do (ValidationException, reason FieldValidationFailed).

const patternCache = new Map();

/** Full-match RegExp for a model pattern, compiled without the `u` flag (as the brief and the model expect). */
export function fullMatchRegExp(pattern) {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    patternCache.set(pattern, re);
  }
  return re;
}

/** Length of a string in Unicode code points (not UTF-16 units, not UTF-8 bytes). */
export function codePointLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Validates `value` against shape `shapeName`.
 * @returns {{name: string, message: string, value?: string}[]} field errors (empty when valid). `value` is set
 *   only for non-sensitive string values, so callers can quote it the way AWS does; sensitive values never are.
 */
export function validateShape(shapes, shapeName, value, { path = "" } = {}) {
  const errors = [];
  walk(shapes, shapeName, value, path, false, errors);
  return errors;
}

function join(path, member) {
  return path ? `${path}.${member}` : member;
}

function walk(shapes, shapeName, value, path, inheritedSensitive, errors) {
  const shape = shapes[shapeName];
  const sensitive = inheritedSensitive || !!shape.sensitive;
  const name = path || "body";
  const fail = (message, quoted) => {
    const e = { name, message };
    if (quoted !== undefined && !sensitive) e.value = quoted;
    errors.push(e);
  };
  switch (shape.type) {
    case "structure": {
      if (!isObject(value)) return fail("Member must be a structure (JSON object)");
      const members = shape.members || {};
      for (const key of Object.keys(value)) {
        if (!hasOwn(members, key)) {
          errors.push({ name: join(path, key), message: "Member is not a known member of the structure" });
        }
      }
      const required = new Set(shape.required || []);
      let setCount = 0;
      for (const [member, ref] of Object.entries(members)) {
        const v = hasOwn(value, member) ? value[member] : undefined;
        if (v === undefined || v === null) {
          if (required.has(member)) errors.push({ name: join(path, member), message: "Member must not be null" });
          continue;
        }
        setCount++;
        walk(shapes, ref.shape, v, join(path, member), sensitive || !!ref.sensitive, errors);
      }
      if (shape.union && setCount !== 1) {
        fail(
          setCount === 0
            ? `Exactly one member of the union must be set (one of: ${Object.keys(members).join(", ")}), but none was set`
            : `Exactly one member of the union must be set (one of: ${Object.keys(members).join(", ")}), but ${setCount} were set`,
        );
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return fail("Member must be a list (JSON array)");
      checkCount(shape, value.length, fail);
      value.forEach((item, i) => {
        const itemPath = `${path}[${i}]`;
        if (item === null || item === undefined) {
          errors.push({ name: itemPath, message: "Member must not be null" });
          return;
        }
        walk(shapes, shape.member.shape, item, itemPath, sensitive, errors);
      });
      return;
    }
    case "map": {
      if (!isObject(value)) return fail("Member must be a map (JSON object)");
      const keys = Object.keys(value);
      checkCount(shape, keys.length, fail);
      for (const key of keys) {
        const keyErrors = [];
        walk(shapes, shape.key.shape, key, `${path}[key]`, sensitive, keyErrors);
        if (keyErrors.length) {
          const e = {
            name: path,
            message: `Map keys must satisfy constraint: [${keyErrors.map((k) => k.message).join(", ")}]`,
          };
          if (!sensitive && !shapes[shape.key.shape].sensitive) e.value = key;
          errors.push(e);
        }
        const v = value[key];
        const valuePath = `${path}[${JSON.stringify(key)}]`;
        if (v === null || v === undefined) {
          errors.push({ name: valuePath, message: "Member must not be null" });
          continue;
        }
        walk(shapes, shape.value.shape, v, valuePath, sensitive, errors);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") return fail("Member must be a string");
      const len = codePointLength(value);
      if (shape.min !== undefined && len < shape.min) {
        fail(`Member must have length greater than or equal to ${shape.min}`, value);
      }
      if (shape.max !== undefined && len > shape.max) {
        fail(`Member must have length less than or equal to ${shape.max}`, value);
      }
      if (shape.pattern !== undefined && !fullMatchRegExp(shape.pattern).test(value)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`, value);
      }
      if (shape.enum && !shape.enum.includes(value)) {
        fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`, value);
      }
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") fail("Member must be a boolean");
      return;
    case "integer":
    case "long":
      if (!Number.isInteger(value)) return fail("Member must be an integer");
      checkRange(shape, value, fail);
      return;
    case "float":
    case "double":
      if (typeof value !== "number") return fail("Member must be a number");
      checkRange(shape, value, fail);
      return;
    case "timestamp":
      if (typeof value !== "number" && typeof value !== "string") fail("Member must be a timestamp");
      return;
    case "blob":
      if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) fail("Member must be base64 data");
      return;
    default:
      fail(`Unsupported shape type ${shape.type}`);
  }
}

function checkCount(shape, n, fail) {
  if (shape.min !== undefined && n < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && n > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
}

function checkRange(shape, n, fail) {
  if (shape.min !== undefined && n < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && n > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
}

const MAX_QUOTED = 128;

/** AWS-style top-level message: "2 validation errors detected: Value 'x' at 'a' failed to satisfy constraint: ...; ..." */
export function validationMessage(errors) {
  const parts = errors.map((e) => {
    let quoted = "";
    if (e.value !== undefined) {
      const chars = Array.from(e.value);
      const v = chars.length > MAX_QUOTED ? `${chars.slice(0, MAX_QUOTED).join("")}...` : e.value;
      quoted = ` '${v}'`;
    }
    return `Value${quoted} at '${e.name}' failed to satisfy constraint: ${e.message}`;
  });
  const n = errors.length;
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}

/** Body of a ValidationException with reason FieldValidationFailed. */
export function validationExceptionBody(errors) {
  return {
    message: validationMessage(errors),
    reason: "FieldValidationFailed",
    fieldList: errors.map((e) => ({ name: e.name, message: e.message })),
  };
}
