/** The error of a compiled vocabulary file that cannot be read, saying what in it is wrong. */
import { WasimError, type TemplateName, type TemplateParams } from '../../errors.js';

type Template = TemplateName<'BAD_COMPILED_VOCAB'>;

export function damaged<N extends Template>(template: N, params: TemplateParams<'BAD_COMPILED_VOCAB', N>): WasimError {
  return WasimError.of('BAD_COMPILED_VOCAB', template, params);
}
