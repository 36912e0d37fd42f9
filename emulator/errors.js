// Errors the emulator replies with, AWS restJson1 style: status, x-amzn-ErrorType, body {"message": ...}.

export class ServiceError extends Error {
  /**
   * @param {number} status
   * @param {string} code value of x-amzn-ErrorType (the exception name)
   * @param {string} message never contains secret values
   * @param {object} [extra] additional body members (reason, fieldList...)
   */
  constructor(status, code, message, extra = undefined) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }

  body() {
    return { message: this.message, ...(this.extra || {}) };
  }
}

export const validationError = (message, fieldList = undefined, reason = "FieldValidationFailed") =>
  new ServiceError(400, "ValidationException", message, { reason, ...(fieldList ? { fieldList } : {}) });

/** A ValidationException about one field (a semantic check, not a model constraint). */
export const fieldError = (name, message) => validationError(message, [{ name, message }]);

export const unauthorized = (m) => new ServiceError(401, "UnauthorizedException", m);
export const accessDenied = (m) => new ServiceError(403, "AccessDeniedException", m);
export const notFound = (m) => new ServiceError(404, "ResourceNotFoundException", m);
