/**
 * An error about a setting, for the resolvers in config/ that serverless.yml reads. The Framework
 * prints a resolver's error by its `stack`; a stack trace helps nobody fix a variable, so the
 * stack is the message alone.
 */
'use strict';

/** @param {string} message */
module.exports = function settingError(message) {
  const error = new Error(message);
  error.stack = message;
  return error;
};
