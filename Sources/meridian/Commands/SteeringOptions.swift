import ArgumentParser
import Topology

/// Steering settings shared by `serve` and `explain`, so both decide alike.
struct SteeringOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Where clients that match no region's networks are taken to be; the nearest region answers them.", valueName: "lat,lon"))
    var defaultLocation: String = "0,0"

    @Flag(help: "When no endpoint of a service is healthy, answer NODATA instead of failing open to all endpoints.")
    var failClosed = false

    func location() throws -> GeoLocation {
        let parts = defaultLocation.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lat = parts[0], let lon = parts[1], GeoLocation(latitude: lat, longitude: lon).isValid else {
            throw ValidationError("--default-location \(defaultLocation): expected latitude,longitude such as 50.1,8.7")
        }
        return GeoLocation(latitude: lat, longitude: lon)
    }
}
