export { minimize } from './lbfgs.js';
export type { MinimizeOptions, MinimizeResult, Objective } from './lbfgs.js';
export { numericalHessian, hessianFromGradient, invertSymmetric } from './hessian.js';
