package synth

// Reference tables for realistic Chinese e-commerce and fresh-grocery data.

var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
	"魏", "吕", "丁", "任", "沈", "欧阳", "司马",
}

// surnameWeights roughly follows the published frequency of the top surnames.
var surnameWeights = []int{
	74, 72, 70, 53, 47, 32, 24, 21, 20, 18, 15, 15, 13, 12, 11,
	11, 10, 10, 10, 9, 9, 8, 8, 7, 7, 7, 6, 6, 6, 6,
	6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 1, 1,
}

var givenChars = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
	"明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "建", "文", "辉",
	"鹏", "宇", "浩", "欣", "怡", "子", "梓", "涵", "轩", "博", "雨", "晨", "佳", "琳", "婷",
	"俊", "峰", "海", "慧", "颖", "鑫", "思", "嘉", "晓", "春", "兰", "凤", "志", "国", "新",
}

var pinyin = map[string]string{
	"王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang",
	"赵": "zhao", "吴": "wu", "周": "zhou",
}

// mobilePrefixes are three-digit mainland mobile prefixes in use.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"166", "173", "175", "176", "177", "178", "180", "181", "182", "183",
	"184", "185", "186", "187", "188", "189", "191", "198", "199",
}

// placeholderPhones are values clerks type when the customer gives none.
var placeholderPhones = []string{"13800138000", "00000000000", "11111111111", "12345678901", "13888888888"}

type place struct {
	province, provinceShort, city, district string
	streets                                 []string
	postal                                  string
}

var places = []place{
	{"北京市", "北京", "北京市", "朝阳区", []string{"建国路", "朝阳北路", "望京街", "酒仙桥路"}, "100020"},
	{"北京市", "北京", "北京市", "海淀区", []string{"中关村大街", "学院路", "西三环北路"}, "100080"},
	{"上海市", "上海", "上海市", "浦东新区", []string{"世纪大道", "张杨路", "陆家嘴环路"}, "200120"},
	{"上海市", "上海", "上海市", "徐汇区", []string{"漕溪北路", "衡山路", "肇嘉浜路"}, "200030"},
	{"广东省", "广东", "深圳市", "南山区", []string{"科技园南路", "深南大道", "南海大道"}, "518057"},
	{"广东省", "广东", "广州市", "天河区", []string{"天河路", "体育西路", "珠江新城华夏路"}, "510620"},
	{"浙江省", "浙江", "杭州市", "西湖区", []string{"文三路", "天目山路", "龙井路"}, "310012"},
	{"江苏省", "江苏", "南京市", "鼓楼区", []string{"中山北路", "北京西路", "湖南路"}, "210009"},
	{"江苏省", "江苏", "苏州市", "姑苏区", []string{"人民路", "干将西路", "观前街"}, "215000"},
	{"四川省", "四川", "成都市", "武侯区", []string{"人民南路", "科华北路", "武侯祠大街"}, "610041"},
	{"湖北省", "湖北", "武汉市", "洪山区", []string{"珞喻路", "光谷大道", "雄楚大道"}, "430074"},
	{"陕西省", "陕西", "西安市", "雁塔区", []string{"长安南路", "小寨东路", "高新路"}, "710061"},
	{"山东省", "山东", "青岛市", "市南区", []string{"香港中路", "东海西路", "中山路"}, "266071"},
	{"天津市", "天津", "天津市", "和平区", []string{"南京路", "滨江道", "解放北路"}, "300041"},
	{"重庆市", "重庆", "重庆市", "渝中区", []string{"解放碑民权路", "中山三路", "较场口"}, "400010"},
	{"福建省", "福建", "厦门市", "思明区", []string{"中山路", "湖滨南路", "厦禾路"}, "361001"},
	{"湖南省", "湖南", "长沙市", "岳麓区", []string{"麓山南路", "岳麓大道", "桐梓坡路"}, "410006"},
	{"河南省", "河南", "郑州市", "金水区", []string{"花园路", "经三路", "农业路"}, "450003"},
}

var emailDomains = []string{"qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com"}

// emailTypos are misspelt domains people type.
var emailTypos = map[string]string{
	"qq.com": "qq.con", "163.com": "163.cm", "gmail.com": "gmial.com", "outlook.com": "hotmial.com",
}

type product struct {
	sku, name string
	cents     int64 // unit price in fen
	byWeight  bool  // sold by the kilogram
}

// categories maps each grocery category to its products.
var categories = []struct {
	name     string
	weight   int
	products []product
}{
	{"vegetables", 22, []product{{"VEG-001", "西兰花", 1290, true}, {"VEG-002", "菠菜", 890, true}, {"VEG-003", "番茄", 990, true}, {"VEG-004", "土豆", 490, true}, {"VEG-005", "有机生菜", 1590, false}}},
	{"fruit", 20, []product{{"FRU-001", "红富士苹果", 1990, true}, {"FRU-002", "海南香蕉", 890, true}, {"FRU-003", "阳光玫瑰葡萄", 3990, false}, {"FRU-004", "赣南脐橙", 2490, true}, {"FRU-005", "智利车厘子", 8990, false}}},
	{"meat", 14, []product{{"MEA-001", "黑猪五花肉", 4990, true}, {"MEA-002", "鸡胸肉", 2290, true}, {"MEA-003", "澳洲牛腱", 8990, true}, {"MEA-004", "羊肉卷", 5990, false}}},
	{"seafood", 9, []product{{"SEA-001", "基围虾", 7990, true}, {"SEA-002", "三文鱼刺身", 12800, false}, {"SEA-003", "大闸蟹礼盒", 29800, false}, {"SEA-004", "带鱼段", 3990, true}}},
	{"dairy", 14, []product{{"DAI-001", "鲜牛奶 950ml", 1590, false}, {"DAI-002", "希腊酸奶", 990, false}, {"DAI-003", "鸡蛋 30枚", 2690, false}, {"DAI-004", "奶酪片", 3290, false}}},
	{"grain_oil", 11, []product{{"GRA-001", "东北大米 5kg", 4990, false}, {"GRA-002", "花生油 5L", 8990, false}, {"GRA-003", "挂面", 690, false}, {"GRA-004", "五常稻花香 10kg", 12900, false}}},
	{"snacks", 6, []product{{"SNA-001", "坚果礼盒", 9900, false}, {"SNA-002", "薯片", 790, false}, {"SNA-003", "巧克力", 2590, false}}},
	{"beverages", 4, []product{{"BEV-001", "矿泉水 24瓶", 3290, false}, {"BEV-002", "橙汁 1L", 1490, false}, {"BEV-003", "绿茶 12瓶", 3990, false}}},
}

var channels = []string{"app", "mini_program", "web", "store_pos", "call_centre", "import"}

// channelWeights: app and mini-program dominate.
var channelWeights = []int{35, 30, 12, 13, 5, 5}

var paymentMethods = []string{"wechat_pay", "alipay", "card", "cash", "points"}
var paymentWeights = []int{48, 38, 8, 4, 2}

var searchKeywords = []string{"车厘子", "牛奶", "大米", "三文鱼", "有机蔬菜", "鸡蛋", "牛排", "草莓", "酸奶", "坚果", "海鲜礼盒", "水果"}

var ticketCategories = []string{"delivery_late", "quality", "missing_item", "refund", "payment", "account"}

var feedbackComments = []string{"", "", "配送很快", "水果很新鲜", "包装破损", "客服态度好", "价格有点贵", "会再来买", "送货太慢了", ""}
