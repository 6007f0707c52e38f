/** Fargate's accepted task sizes: for each cpu (units), the memory values (MiB) it may be paired with. */
const range = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);

export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

export const FARGATE_CPU_VALUES = Object.keys(FARGATE_MEMORY_BY_CPU).map(Number);

export function fargateMemoryHint(cpu: number): string {
  const options = FARGATE_MEMORY_BY_CPU[cpu];
  if (!options) return `cpu must be one of ${FARGATE_CPU_VALUES.join(", ")}`;
  const step = options.length > 1 ? options[1] - options[0] : 0;
  return options.length <= 3
    ? `with cpu ${cpu} Fargate accepts memory ${options.join(", ")}`
    : `with cpu ${cpu} Fargate accepts memory ${options[0]}–${options[options.length - 1]} in steps of ${step}`;
}
