import DNSWire
import Testing
import Topology
@testable import Steering

/// Measured latency orders regions, with hysteresis so that answers do not flap on noise.
struct LatencyTests {
    let distance = [[0, 1, 2], [1, 0, 2], [2, 1, 0]]

    @Test func measuredRegionsComeFirstByLatency() {
        var matrix = LatencyMatrix(distanceOrders: distance)
        #expect(matrix.orders[0] == [0, 1, 2])
        matrix.record(from: 0, to: 0, milliseconds: 100, distanceOrders: distance)
        matrix.record(from: 0, to: 2, milliseconds: 20, distanceOrders: distance)
        #expect(matrix.orders[0] == [2, 0, 1], "2 (20 ms), 0 (100 ms), then unmeasured 1")
    }

    @Test func hysteresisKeepsTheCurrentBestUntilAnotherIsClearlyBetter() {
        var matrix = LatencyMatrix(distanceOrders: distance, hysteresis: 0.2)
        matrix.record(from: 0, to: 0, milliseconds: 100, distanceOrders: distance)
        matrix.record(from: 0, to: 1, milliseconds: 50, distanceOrders: distance)
        #expect(matrix.orders[0].first == 1)
        matrix.record(from: 0, to: 2, milliseconds: 45, distanceOrders: distance)
        #expect(matrix.orders[0].first == 1, "45 ms is not 20% better than 50 ms")
        matrix.record(from: 0, to: 2, milliseconds: 30, distanceOrders: distance)
        #expect(matrix.orders[0].first == 2, "30 ms is")
        matrix.record(from: 0, to: 2, milliseconds: 55, distanceOrders: distance)
        #expect(matrix.orders[0].first == 2, "slightly worse than 50 ms: still no flap")
        matrix.record(from: 0, to: 2, milliseconds: 70, distanceOrders: distance)
        #expect(matrix.orders[0].first == 1, "50 ms is clearly better than 70 ms")
    }

    @Test func latencyPolicyFollowsMeasurementsAndNearestKeepsItsOwnRegionFirst() {
        for policy in [SteeringPolicy.latency, .nearest] {
            let table = Fixture.table(policy: policy)
            let east = table.regionNames.firstIndex(of: "us-east")!, south = table.regionNames.firstIndex(of: "ap-south")!
            var view = health(table)
            var matrix = LatencyMatrix(distanceOrders: table.regionsByDistance)
            matrix.record(from: east, to: east, milliseconds: 100, distanceOrders: table.regionsByDistance)
            matrix.record(from: east, to: south, milliseconds: 10, distanceOrders: table.regionsByDistance)
            view.latency = matrix
            let names = steer(table, ecs: Fixture.ecs("10.1.2.0", 24), health: view).names
            if policy == .latency {
                #expect(names == ["aps-a"], "lowest measured latency from us-east")
            } else {
                #expect(Set(names) == ["use-a", "use-b"], "nearest: the client's region while it is healthy")
                let failed = steer(table, ecs: Fixture.ecs("10.1.2.0", 24), health: {
                    var v = view
                    v.up[table.endpoints.firstIndex { $0.name == "use-a" }!] = false
                    v.up[table.endpoints.firstIndex { $0.name == "use-b" }!] = false
                    return v
                }()).names
                #expect(failed == ["aps-a"], "then the region with the lowest measured latency, not the nearest (eu-west)")
            }
        }
    }
}

/// Round trips within noise of each other (a LAN, loopback) must not reorder regions: the
/// failover target would flap between them with every measurement.
struct LatencyNoiseTests {
    let distance = [[0, 1, 2], [1, 0, 2], [2, 1, 0]]
    let four = [[0, 1, 2, 3], [1, 0, 2, 3], [2, 1, 0, 3], [3, 2, 1, 0]]

    /// Region 0's order after measuring regions 1, 2 and 3 at these round trips, in that order.
    func order(measuring milliseconds: [Double]) -> [Int] {
        var matrix = LatencyMatrix(distanceOrders: four)
        for (offset, ms) in milliseconds.enumerated() { matrix.record(from: 0, to: offset + 1, milliseconds: ms, distanceOrders: four) }
        return matrix.orders[0]
    }

    @Test func timesWithinTheMarginKeepTheDistanceOrder() {
        var matrix = LatencyMatrix(distanceOrders: distance)
        for round in 0..<50 {
            // 0.4–1.6 ms jitter, alternately favouring 1 and 2.
            matrix.record(from: 0, to: 1, milliseconds: round.isMultiple(of: 2) ? 1.6 : 0.4, distanceOrders: distance)
            matrix.record(from: 0, to: 2, milliseconds: round.isMultiple(of: 2) ? 0.4 : 1.6, distanceOrders: distance)
            #expect(matrix.orders[0] == [0, 1, 2], "round \(round): \(matrix.orders[0])")
        }
        matrix.record(from: 0, to: 2, milliseconds: 0.5, distanceOrders: distance)
        matrix.record(from: 0, to: 1, milliseconds: 40, distanceOrders: distance)
        #expect(matrix.orders[0] == [0, 2, 1], "40 ms is clearly slower than 0.5 ms")
    }

    @Test func aRegionMeasuredLateJoinsAtItsDistancePlace() {
        var matrix = LatencyMatrix(distanceOrders: distance)
        matrix.record(from: 0, to: 2, milliseconds: 1, distanceOrders: distance)
        matrix.record(from: 0, to: 1, milliseconds: 0, distanceOrders: distance)
        #expect(matrix.orders[0] == [0, 1, 2], "1 and 2 are within noise: distance decides")
    }

    /// 20, 16 and 12 ms in distance order: no neighbours differ clearly, but 12 is clearly
    /// faster than 20 and must come first.
    @Test func aClearlyFasterRegionPassesEvenWhenNoNeighbourDiffersClearly() {
        #expect(order(measuring: [20, 16, 12]) == [0, 3, 1, 2])
    }

    @Test func aRegionFarBackMovesUpPastSeveralSlowerOnes() {
        #expect(order(measuring: [100, 120, 10]) == [0, 3, 1, 2])
    }
}
