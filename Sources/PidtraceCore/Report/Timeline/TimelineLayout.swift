extension TimelineHTML {
    enum Layout {
        static let width = 1320.0
        static let plotX0 = TimeAxis.plotX0
        static let plotX1 = TimeAxis.plotX1
        /// Labels may run past the plot into the right margin up to here.
        static let textLimit = 1314.0
        static let axisBand = 24.0
        static let barOffset = 42.0
        static let barHeight = 20.0
        static let zombieLane = 14.0
        static let monoAdvance = 7.3   // 12px DejaVu Sans Mono, a little generous
        static let sansAdvance = 6.6   // 11px DejaVu Sans, generous
        static let boldAdvance = 7.9   // 11px DejaVu Sans Bold, generous
    }
}
