// The tests start their programs through the same spawner as the benches.
@_exported import MadoguchiProcess
