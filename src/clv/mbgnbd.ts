/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD in which a customer may also drop out
 * immediately after the first purchase, so one-time buyers are not all presumed alive.
 */
import type { Estimator } from '../models/estimator.js';
import { BetaGeometricModel, fitBetaGeometric, readBetaGeometricJSON, type BgNbdOptions, type RepeatData } from './bgnbd.js';

export class MbgNbdModel extends BetaGeometricModel {
  readonly kind = 'mbgnbd';
  protected readonly o = 1 as const;

  static fromJSON(json: unknown): MbgNbdModel {
    const parts = readBetaGeometricJSON(json, 'mbgnbd');
    return new MbgNbdModel(parts.params, parts.logLikelihood, parts.standardErrors, parts.convergence, parts.n);
  }
}

export class MbgNbd implements Estimator<RepeatData, MbgNbdModel> {
  constructor(readonly options: BgNbdOptions = {}) {}

  fit(data: RepeatData): MbgNbdModel {
    const f = fitBetaGeometric(1, data, this.options, 'MBG/NBD');
    return new MbgNbdModel(f.params, f.logLikelihood, f.standardErrors, f.convergence, f.n);
  }
}
