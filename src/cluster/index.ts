export { KMeans, FittedKMeans, type KMeansOptions } from './kmeans.js';
export { silhouetteSamples, silhouetteSamplesMany, silhouetteScore, silhouetteScores, EXACT_SILHOUETTE_LIMIT, type SilhouetteScore } from './silhouette.js';
export { chooseK, elbow, SILHOUETTE_TIE, type ChooseKOptions, type KChoice, type KCandidate } from './choose-k.js';
export { pca2, type Projection } from './pca.js';
export { profileSegments, nameSegments, NAME_THRESHOLD_SD, type SegmentProfile, type FeatureProfile, type SegmentNames } from './profile.js';
export { reclusterSegment, MIN_RECLUSTER_ROWS, type Recluster } from './two-stage.js';
export { segmentCustomers, scoreSegments, SCATTER_POINTS, K_SEARCH_ROWS, type SegmentOptions, type SegmentationResult, type SegmentScores } from './segment.js';
export type { Separation } from './separation.js';
