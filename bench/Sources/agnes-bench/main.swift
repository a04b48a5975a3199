// Benchmarks printed next to a floor measured in the same run by the scripts in bench/.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "aggregate": try AggregateBench.run(Array(arguments.dropFirst()))
    case "rebuild": try await RebuildBench.run(Array(arguments.dropFirst()))
    case "publish": try PublishBench.run(Array(arguments.dropFirst()))
    case "auth": try await AuthBench.run(Array(arguments.dropFirst()))
    case "data": try await DataAPIBench.run(Array(arguments.dropFirst()))
    case "profile": try ProfileBench.run(Array(arguments.dropFirst()))
    case "cli": try await CLIBench.run(Array(arguments.dropFirst()))
    case "interrupt": try await InterruptBench.run(Array(arguments.dropFirst()))
    case "sync": try await SyncBench.run(Array(arguments.dropFirst()))
    case "keboola-slices": try KeboolaBench.writeSlices(Array(arguments.dropFirst()))
    case "keboola": try await KeboolaBench.run(Array(arguments.dropFirst()))
    case "bigquery": try await BigQueryBench.run(Array(arguments.dropFirst()))
    case "bigquery-probe": try BigQueryBench.probe()
    case "jira": try await JiraBench.run(Array(arguments.dropFirst()))
    case "memory": try await MemoryBench.run(Array(arguments.dropFirst()))
    case "detector": try await DetectorBench.run(Array(arguments.dropFirst()))
    case "web": try await WebBench.run(Array(arguments.dropFirst()))
    default:
        FileHandle.standardError.write(
            Data("usage: agnes-bench aggregate|rebuild|publish|auth|data|profile|cli|interrupt|sync|keboola-slices|keboola|bigquery|jira|memory|detector|web …\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("agnes-bench: \(error)\n".utf8))
    exit(1)
}
