@main struct Agnes { static func main() {} }
