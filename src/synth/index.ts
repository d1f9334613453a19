export { syntheticAggregates, AGGREGATE_GROUPS, VIP_SUBGROUPS, type AggregateGroup, type AggregatesTruth } from './aggregates.js';
export { syntheticCustomers, premiumLogit, PREMIUM_TRUTH, type CustomersTruth, type IncomeLevel } from './customers.js';
export { planOrders, orderLineChunks, ORDERS_DEFAULTS, type OrdersOptions, type OrdersTruth, type OrdersPlan } from './orders.js';
