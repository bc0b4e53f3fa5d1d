/**
 * `@azure/functions-core` as a plain module, for test runners with their own module system
 * (jest maps the name here), so apps register into devhost's registry in-process.
 */
import { createCoreApi, globalRegistry } from '../host/functions-core';

module.exports = createCoreApi(globalRegistry());
