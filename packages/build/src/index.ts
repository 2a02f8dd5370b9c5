export { productionBuildOptions } from "./productionBuildOptions.ts";
