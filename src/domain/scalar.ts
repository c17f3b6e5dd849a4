export type Scalar = string | number | boolean;
