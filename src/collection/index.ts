/** Collections at the keyboard: saved messages sent by name, and saved, in a `*.wscope.yaml` file. */
export { Collection, CollectionError, type CollectionOptions, withMessage } from './collection.js';
