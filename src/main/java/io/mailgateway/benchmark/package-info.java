/**
 * JMH microbenchmarks of the gateway's own hot paths, run from the packaged jar with
 * {@code java -jar mail-gateway.jar --benchmark[=NAME]} ({@link io.mailgateway.benchmark.BenchmarkSuite}
 * names them; docs/performance.md shows a run). Each class measures production code as the
 * server calls it, with its inputs built in {@code @Setup}, outside the measured time.
 */
package io.mailgateway.benchmark;
